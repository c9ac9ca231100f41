"""kusari.functions.activation"""
