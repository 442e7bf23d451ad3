"""Confide: a self-hostable practice platform for psychotherapists in private practice."""
