"""kusari.functions.connection"""
