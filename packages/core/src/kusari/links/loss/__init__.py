"""kusari.links.loss"""
