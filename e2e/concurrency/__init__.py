"""Real simultaneous requests against real server processes."""
