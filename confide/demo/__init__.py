"""The fictional demo practice, loaded across every app by `manage.py load_demo` and the tests."""
