"""The demo app's command: load_demo."""
