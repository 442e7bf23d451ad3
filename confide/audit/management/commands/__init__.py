"""The audit app's manage.py commands."""
