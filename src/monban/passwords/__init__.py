"""Password hashing and the password rules."""
