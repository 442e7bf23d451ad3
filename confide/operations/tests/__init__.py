"""Tests of backups and restore drills."""
