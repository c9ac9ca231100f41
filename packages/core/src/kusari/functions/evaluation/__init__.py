"""kusari.functions.evaluation"""
