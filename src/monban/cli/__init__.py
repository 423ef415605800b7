"""The `monban` command: serve, migrate, and the operator's admin commands.

Admin commands act directly on the database as the operator (audited with no actor), so
they work before any admin account exists. Each module adds one group of commands."""

from __future__ import annotations

from monban.authenticator.cli import app as authenticator_app  # issue #4
from monban.cli import (
    clients,
    devices,
    federation,
    logs,
    mail,
    network,
    orgs,
    server,
    sessions,
    transfer,
    users,
)
from monban.cli.commands import app

app.add_typer(authenticator_app, name="authenticator",
              help="Monban Authenticator, the app (also `monban-authenticator`).")

__all__ = ["app", "clients", "devices", "federation", "logs", "mail", "main", "network",
           "orgs", "server", "sessions", "transfer", "users"]


def main() -> None:
    app()
