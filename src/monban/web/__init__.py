"""HTML pages: the sign-in flow, the security page, the admin console, help pages."""
