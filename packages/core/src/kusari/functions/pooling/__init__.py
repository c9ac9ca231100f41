"""kusari.functions.pooling"""
