"""The practice app's manage.py commands."""
