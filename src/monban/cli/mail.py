"""`monban app-password …`: an operator's view of a person's app passwords. (Dovecot's
checkpassword program is the separate, light `monban-checkpassword`: mail/checkpassword.py.)"""

from __future__ import annotations

import typer

from monban.cli.commands import app_password_app
from monban.cli.running import run
from monban.errors import CatalogueError
from monban.runtime import Runtime
from monban.store.app_passwords import AppPassword


@app_password_app.command("create")
def app_password_create(account: str, name: str = typer.Option(
        ..., help="Which mail client it is for")) -> None:
    """Make an app password for ACCOUNT and print it once (audited as the operator's act)."""
    async def work(rt: Runtime) -> tuple[AppPassword, str]:
        found = await rt.directory.account(account)
        return await rt.app_passwords.create(found, name, actor_id=None, ip="cli")

    record, password = run(work)
    typer.echo(f"{record.id}\t{record.name}")
    typer.echo(f"app password (shown once): {password}")


@app_password_app.command("list")
def app_password_list(account: str) -> None:
    async def work(rt: Runtime) -> list[AppPassword]:
        return await rt.app_passwords.list(await rt.directory.account(account))

    for p in run(work):
        used = (f"last used {p.last_used_at:%Y-%m-%d %H:%M} ({p.last_used_protocol}, "
                f"{p.last_used_ip})" if p.last_used_at else "never used")
        typer.echo(f"{p.id}\t{p.name}\tcreated {p.created_at:%Y-%m-%d %H:%M}\t{used}")


@app_password_app.command("revoke")
def app_password_revoke(account: str, password_id: str) -> None:
    async def work(rt: Runtime) -> None:
        found = await rt.directory.account(account)
        if not await rt.app_passwords.revoke(found, password_id, actor_id=None, ip="cli"):
            raise CatalogueError("NOT_FOUND")

    run(work)
    typer.echo("revoked")

