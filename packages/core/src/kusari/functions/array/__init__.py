"""kusari.functions.array"""
