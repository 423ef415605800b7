"""Monban (門番): an accounts and sign-in server."""

__version__ = "0.1.0"
