"""Backup, restore drill and the drill's check of a scratch database."""
