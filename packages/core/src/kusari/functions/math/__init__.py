"""kusari.functions.math"""
