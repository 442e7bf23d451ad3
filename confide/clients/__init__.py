"""Clients and couples: their records, clinical notes, documents and crisis screening."""
