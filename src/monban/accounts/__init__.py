"""Accounts, organisations and their settings."""
