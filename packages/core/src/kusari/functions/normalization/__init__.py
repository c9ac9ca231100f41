"""kusari.functions.normalization"""
