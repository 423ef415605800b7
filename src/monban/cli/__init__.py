"""The `monban` command: serve, migrate, and the operator's admin commands.

Admin commands act directly on the database as the operator (audited with no actor), so
they work before any admin account exists. Each module adds one group of commands."""

from __future__ import annotations

from monban.cli import federation, logs, network, orgs, server, sessions, users
from monban.cli.commands import app

__all__ = ["app", "federation", "logs", "main", "network", "orgs", "server", "sessions", "users"]


def main() -> None:
    app()
