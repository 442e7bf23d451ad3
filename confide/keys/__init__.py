"""The data keys that seal clinical text: their checks, and the one verified keyring."""
