"""kusari.links.noise"""
