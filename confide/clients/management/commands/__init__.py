"""The clients app's manage.py commands."""
