"""kusari.links.normalization"""
