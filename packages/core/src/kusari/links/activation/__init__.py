"""kusari.links.activation"""
