"""Delivering codes and notices: SMS (a provider's HTTP API, or the outbox), email (SMTP, or
the outbox)."""
