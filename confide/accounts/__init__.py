"""Staff accounts: sign-in, the second factor, roles, sessions and form rate limits."""
