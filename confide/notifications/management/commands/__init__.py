"""The notifications app's manage.py commands."""
