"""The sign-in flow: identifier, secret, policies, session."""
