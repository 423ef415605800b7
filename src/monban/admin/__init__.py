"""Managing organisations, accounts, allowed IPs and settings: one service for the CLI, the
JSON API and the admin pages."""
