"""Migrations of the operations app."""
