"""Helpers below the apps, importing none of them: environment, sealing, files, text, times."""
