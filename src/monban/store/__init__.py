"""Repositories: plain functions over a SQLAlchemy Core connection, run by Database.run."""
