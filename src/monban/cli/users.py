"""`monban user …`: accounts, passwords, and the operator's recovery acts."""

from __future__ import annotations

import json
from typing import Any

import typer

from monban.accounts.identifiers import KINDS, Kind
from monban.accounts.model import Role
from monban.cli.commands import user_app
from monban.cli.running import password_from, run
from monban.db import tables
from monban.runtime import Runtime
from monban.store import identifier_collisions


# user --------------------------------------------------------------------------------------
@user_app.command("create")
def user_create(
    name: str = typer.Option(..., help="Display name"),
    email: str = typer.Option(None), phone: str = typer.Option(None, help="E.164, +81..."),
    username: str = typer.Option(None), org: str = typer.Option(None, help="Org slug or id"),
    role: Role = typer.Option(Role.MEMBER), language: str = typer.Option("ja"),
    timezone: str = typer.Option("Asia/Tokyo"),
    password: str = typer.Option(None, help="Prompted (or MONBAN_NEW_PASSWORD) if absent"),
    superadmin: bool = typer.Option(False, help="May administer every org"),
) -> None:
    secret = password_from(password)

    async def work(rt: Runtime) -> Any:
        found = await rt.directory.org(org) if org else None
        return await rt.directory.create_account(
            display_name=name, email=email, phone=phone, username=username, password=secret,
            org=found, role=role, language=language, timezone=timezone, superadmin=superadmin)

    account = run(work)
    typer.echo(f"created account {account.label} ({account.id})")


@user_app.command("list")
def user_list(org: str = typer.Option(None, help="Org slug; personal accounts if absent")) -> None:
    async def work(rt: Runtime) -> Any:
        return await rt.directory.members(await rt.directory.org(org) if org else None)

    for account in run(work):
        flags = " disabled" if account.disabled else ""
        role = account.role.value if account.role else "personal"
        typer.echo(f"{account.label}\t{account.display_name}\t{role}{flags}\t{account.id}")


def _update(account: str, **changes: Any) -> None:
    async def work(rt: Runtime) -> Any:
        return await rt.directory.update_account(await rt.directory.account(account), **changes)

    updated = run(work)
    typer.echo(f"updated {updated.label}: {changes}")


@user_app.command("disable")
def user_disable(account: str) -> None:
    """Deactivate an account (ACCOUNT_DISABLED at sign-in; its sessions end)."""
    _update(account, disabled=True)


@user_app.command("enable")
def user_enable(account: str) -> None:
    _update(account, disabled=False)


@user_app.command("set-role")
def user_set_role(account: str, role: Role) -> None:
    """Change an org member's role (the last enabled owner of an org keeps it: LAST_OWNER)."""
    _update(account, role=role)


@user_app.command("set-password")
def user_set_password(account: str, password: str = typer.Option(None),
                      keep_sessions: bool = typer.Option(False)) -> None:
    secret = password_from(password)

    async def work(rt: Runtime) -> None:
        found = await rt.directory.account(account)
        await rt.directory.set_password(found, secret, end_sessions=not keep_sessions)

    run(work)
    typer.echo("password set")


# getting back in (recovery/admin_reset.py, as the operator) -------------------------------
@user_app.command("reset-mfa")
def user_reset_mfa(account: str) -> None:
    """Remove an account's second factors, backup codes and trusted browsers (it enrols again
    at the next sign-in); its browser sessions end and it is told by email."""
    from monban.recovery import Recovery

    async def work(rt: Runtime) -> dict[str, int]:
        found = await rt.directory.account(account)
        return await Recovery.of(rt).admin.reset_mfa(None, found, None)

    typer.echo(f"two-step verification reset: {run(work)}")


@user_app.command("backup-code")
def user_backup_code(account: str) -> None:
    """Issue one one-time backup verification code (printed once; verify the person first)."""
    from monban.recovery import Recovery

    async def work(rt: Runtime) -> str:
        found = await rt.directory.account(account)
        return await Recovery.of(rt).admin.issue_backup_code(None, found, None)

    typer.echo(run(work))


# identifiers (accounts/identifiers.py, store/identifier_collisions.py) ----------------------
@user_app.command("collisions")
def user_collisions(fix: bool = typer.Option(
        False, help="Normalise again: identifiers no longer colliding are brought to their "
                    "normal form, the rest listed")) -> None:
    """Accounts whose stored identifiers normalise alike (found by migration 0011), left
    untouched: give one of them another identifier (`monban user set-identifier`), then
    run with --fix."""

    async def work(rt: Runtime) -> list[identifier_collisions.Collision]:
        if fix:
            outcome = await rt.db.run(
                identifier_collisions.renormalise, tables.accounts,
                tables.identifier_collisions, tables.recovery_contacts, rt.clock.now())
            typer.echo(json.dumps(identifier_collisions.summary(outcome)))
        return await rt.db.run(identifier_collisions.list_all, tables.identifier_collisions,
                               write=False)

    found = run(work)
    for c in found:
        typer.echo(f"{c.kind}\t{c.normal or '(no longer valid)'}\t{c.stored}\t{c.account_id}")
    if not found:
        typer.echo("no identifier collisions")


@user_app.command("set-identifier")
def user_set_identifier(
    account: str,
    email: str = typer.Option(None), phone: str = typer.Option(None),
    username: str = typer.Option(None),
    remove: str = typer.Option(None, help="email, phone or username: remove it"),
) -> None:
    """Give an account another email, mobile number or username, or remove one."""
    given: dict[Kind, str | None] = {"email": email, "phone": phone, "username": username}
    changes: list[tuple[Kind, str | None]] = [(k, v) for k, v in given.items() if v]
    changes += [(kind, None) for kind in KINDS if kind == remove]
    if len(changes) != 1:
        raise typer.BadParameter("give exactly one of --email, --phone, --username, --remove")

    async def work(rt: Runtime) -> Any:
        found = await rt.directory.account(account)
        return await rt.directory.set_identifier(found, *changes[0])

    updated = run(work)
    typer.echo(f"updated {updated.label} ({updated.id})")
