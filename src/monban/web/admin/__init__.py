"""The admin console: orgs, members, apps and the two-step settings."""
