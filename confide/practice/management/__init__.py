"""Management commands of the practice app."""
