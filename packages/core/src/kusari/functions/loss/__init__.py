"""kusari.functions.loss"""
