"""The therapist's office: today, the calendar, requests, clients and notes, above the domain."""
