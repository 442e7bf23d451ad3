"""Scheduling: appointment types, hours, and the one booking API every door calls."""
