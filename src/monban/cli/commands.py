"""The command tree: `monban` and its groups; each cli/ module adds its commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Monban (門番): accounts and sign-in server.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
ip_app = typer.Typer(help="Allowed-IP lists (per org or per account).", no_args_is_help=True)
sessions_app = typer.Typer(help="Sessions.", no_args_is_help=True)
app_password_app = typer.Typer(help="App-specific passwords for mail clients.",
                               no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(ip_app, name="ip")
app.add_typer(sessions_app, name="sessions")
app.add_typer(app_password_app, name="app-password")
