"""Server-side sessions: starting, authenticating, listing, ending."""
