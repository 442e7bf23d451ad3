"""The practice and its public website: profile, clinicians, approaches, pages, articles."""
