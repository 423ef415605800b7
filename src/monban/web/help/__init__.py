"""Help and getting back in: help topics, the troubleshooter, diagnose, support and recovery."""
