"""Messages: emails, texts, reminders, agendas, and the worker that sends them."""
