"""Management commands of the operations app."""
