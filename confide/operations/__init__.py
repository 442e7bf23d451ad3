"""Backups of the database and uploads, and drills that prove they restore."""
