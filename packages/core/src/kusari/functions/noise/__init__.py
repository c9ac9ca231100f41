"""kusari.functions.noise"""
