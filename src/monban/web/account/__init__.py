"""The pages of one's own account: the security page and the sections it assembles."""
