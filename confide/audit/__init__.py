"""The append-only audit log: who read or changed which record, when, from where."""
