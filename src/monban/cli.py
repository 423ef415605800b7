"""The `monban` command: serve, migrate, and the operator's admin commands.

Admin commands act directly on the database as the operator (audited with no actor), so
they work before any admin account exists."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import typer

from monban.accounts.model import Role
from monban.config import Settings
from monban.errors import SignInError, message
from monban.runtime import Runtime, build_runtime
from monban.sessions.device import describe
from monban.store.audit import AuditQuery

T = TypeVar("T")

app = typer.Typer(help="Monban (門番): accounts and sign-in server.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
ip_app = typer.Typer(help="Allowed-IP lists (per org or per account).", no_args_is_help=True)
sessions_app = typer.Typer(help="Sessions.", no_args_is_help=True)
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(ip_app, name="ip")
app.add_typer(sessions_app, name="sessions")


def main() -> None:
    app()


def _run(work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Build the runtime, run one piece of async work, print catalogue errors plainly."""
    runtime = build_runtime(Settings())

    async def go() -> T:
        return await work(runtime)

    try:
        return asyncio.run(go())
    except SignInError as error:
        text = message(error.code, runtime.settings.default_language,
                       app=runtime.settings.authenticator_app_name)
        detail = f" {json.dumps(error.detail, ensure_ascii=False)}" if error.detail else ""
        typer.echo(f"error: {error.code}: {text}{detail}", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.close()


def _password(given: str | None) -> str:
    if given:
        return given
    from_env = os.environ.get("MONBAN_NEW_PASSWORD")
    if from_env:
        return from_env
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


# serve / migrate -------------------------------------------------------------------------
@app.command()
def serve(host: str = typer.Option(None, help="Default: MONBAN_HOST or 127.0.0.1"),
          port: int = typer.Option(None, help="Default: MONBAN_PORT or 8000"),
          workers: int = typer.Option(1, help="Worker processes")) -> None:
    """Run the server (SQLite in MONBAN_DATA_DIR unless MONBAN_DATABASE_URL is set)."""
    import uvicorn

    settings = Settings()
    runtime = build_runtime(settings)  # migrates before the workers start
    try:
        first_start = asyncio.run(_no_accounts(runtime))
    finally:
        runtime.close()
    host = host or settings.host
    port = port or settings.port
    typer.echo(f"Monban on http://{host}:{port}/  (data: {settings.data_dir.resolve()})")
    if first_start:
        typer.echo("No accounts yet. Create the first administrator with:\n"
                   "  monban user create --email you@example.com --name 'Your Name' "
                   "--superadmin\n"
                   "then sign in at /signin. Organisations: monban org create --help")
    uvicorn.run("monban.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info", proxy_headers=False, server_header=False)


async def _no_accounts(runtime: Runtime) -> bool:
    from monban.store.accounts import count

    return await runtime.db.run(count, write=False) == 0


@app.command()
def migrate() -> None:
    """Bring the database to the newest schema (serve does this too)."""
    runtime = build_runtime(Settings())
    runtime.close()
    typer.echo("database is up to date")


@app.command()
def sweep() -> None:
    """Delete expired flows, long-ended sessions and stale counters (serve does this too)."""
    from monban.housekeeping import sweep as run_sweep

    typer.echo(str(_run(run_sweep)))


# org ---------------------------------------------------------------------------------------
@org_app.command("create")
def org_create(name: str, slug: str = typer.Option(..., help="Short name used in URLs")) -> None:
    org = _run(lambda rt: rt.directory.create_org(name, slug))
    typer.echo(f"created org {org.slug} ({org.id})")


@org_app.command("list")
def org_list() -> None:
    for org in _run(lambda rt: rt.directory.list_orgs()):
        typer.echo(f"{org.slug}\t{org.name}\t{org.id}")


@org_app.command("show")
def org_show(org: str) -> None:
    found = _run(lambda rt: rt.directory.org(org))
    typer.echo(json.dumps({"id": found.id, "name": found.name, "slug": found.slug,
                           "settings": found.settings.model_dump()}, indent=2))


@org_app.command("set")
def org_set(org: str, assignments: list[str] = typer.Argument(
        ..., help="name=value, e.g. session_limit=3 daily_signin_limit=5 timezone=Asia/Tokyo")
            ) -> None:
    """Change org settings (see `monban org show ORG` for the names)."""
    changes: dict[str, Any] = {}
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r} is not name=value")
        changes[name.strip()] = _parse_value(value.strip())

    async def work(rt: Runtime) -> Any:
        found = await rt.directory.org(org)
        return await rt.directory.update_settings(found, changes)

    typer.echo(json.dumps(_run(work).model_dump(), indent=2))


def _parse_value(value: str) -> Any:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return int(value)
    except ValueError:
        return value


@org_app.command("add-domain")
def org_add_domain(org: str, domain: str) -> None:
    """Claim an email domain for the org (its hide-existence setting then covers it)."""
    async def work(rt: Runtime) -> None:
        await rt.directory.add_domain(await rt.directory.org(org), domain)

    _run(work)
    typer.echo(f"{domain} now belongs to {org}")


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
    secret = _password(password)

    async def work(rt: Runtime) -> Any:
        found = await rt.directory.org(org) if org else None
        return await rt.directory.create_account(
            display_name=name, email=email, phone=phone, username=username, password=secret,
            org=found, role=role, language=language, timezone=timezone, superadmin=superadmin)

    account = _run(work)
    typer.echo(f"created account {account.label} ({account.id})")


@user_app.command("list")
def user_list(org: str = typer.Option(None, help="Org slug; personal accounts if absent")) -> None:
    async def work(rt: Runtime) -> Any:
        return await rt.directory.members(await rt.directory.org(org) if org else None)

    for account in _run(work):
        flags = " disabled" if account.disabled else ""
        role = account.role.value if account.role else "personal"
        typer.echo(f"{account.label}\t{account.display_name}\t{role}{flags}\t{account.id}")


def _update(account: str, **changes: Any) -> None:
    async def work(rt: Runtime) -> Any:
        return await rt.directory.update_account(await rt.directory.account(account), **changes)

    updated = _run(work)
    typer.echo(f"updated {updated.label}: {changes}")


@user_app.command("disable")
def user_disable(account: str) -> None:
    """Deactivate an account (ACCOUNT_DISABLED at sign-in; its sessions end)."""
    _update(account, disabled=True)


@user_app.command("enable")
def user_enable(account: str) -> None:
    _update(account, disabled=False)


@user_app.command("set-password")
def user_set_password(account: str, password: str = typer.Option(None),
                      keep_sessions: bool = typer.Option(False)) -> None:
    secret = _password(password)

    async def work(rt: Runtime) -> None:
        found = await rt.directory.account(account)
        await rt.directory.set_password(found, secret, end_sessions=not keep_sessions)

    _run(work)
    typer.echo("password set")


# ip ----------------------------------------------------------------------------------------
async def _owner(rt: Runtime, org: str | None, user: str | None) -> tuple[str, str]:
    if bool(org) == bool(user):
        raise typer.BadParameter("give exactly one of --org or --user")
    if org:
        return "org", (await rt.directory.org(org)).id
    assert user is not None
    return "account", (await rt.directory.account(user)).id


@ip_app.command("add")
def ip_add(cidr: str, name: str = typer.Option(""), org: str = typer.Option(None),
           user: str = typer.Option(None)) -> None:
    async def work(rt: Runtime) -> Any:
        scope, owner = await _owner(rt, org, user)
        return await rt.directory.add_ip_rule(scope, owner, cidr, name)

    rule = _run(work)
    typer.echo(f"allowed {rule.cidr} ({rule.name}) id={rule.id}")


@ip_app.command("list")
def ip_list(org: str = typer.Option(None), user: str = typer.Option(None)) -> None:
    async def work(rt: Runtime) -> Any:
        return await rt.directory.ip_rules(*(await _owner(rt, org, user)))

    rules = _run(work)
    if not rules:
        typer.echo("(no list: every address is allowed)")
    for rule in rules:
        typer.echo(f"{rule.id}\t{rule.cidr}\t{rule.name}")


@ip_app.command("remove")
def ip_remove(rule_id: str, org: str = typer.Option(None), user: str = typer.Option(None)) -> None:
    async def work(rt: Runtime) -> None:
        scope, owner = await _owner(rt, org, user)
        await rt.directory.remove_ip_rule(scope, owner, rule_id)

    _run(work)
    typer.echo("removed")


# sessions ----------------------------------------------------------------------------------
@sessions_app.command("list")
def sessions_list(account: str) -> None:
    async def work(rt: Runtime) -> Any:
        found = await rt.directory.account(account)
        org = await rt.directory.org(found.org_id) if found.org_id else None
        from monban.accounts.org_settings import DEFAULT_SETTINGS

        return await rt.sessions.list_live(found, org.settings if org else DEFAULT_SETTINGS)

    for s in _run(work):
        typer.echo(f"{s.id[:16]}\t{describe(s.user_agent)}\t{s.ip}\t"
                   f"started {s.created_at:%Y-%m-%d %H:%M}\tlast seen {s.last_seen_at:%H:%M}")


@sessions_app.command("end")
def sessions_end(account: str, session: str = typer.Argument(
        None, help="Session id (or its first 16 characters); all sessions if absent")) -> None:
    async def work(rt: Runtime) -> int:
        found = await rt.directory.account(account)
        if not session:
            return await rt.sessions.end_others(found, None, found, "cli")
        from monban.accounts.org_settings import DEFAULT_SETTINGS

        live = await rt.sessions.list_live(found, DEFAULT_SETTINGS)
        matches = [s for s in live if s.id.startswith(session)]
        if len(matches) != 1:
            raise SignInError("NOT_FOUND")
        return int(await rt.sessions.end(found, matches[0].id, found, "cli"))

    typer.echo(f"ended {_run(work)} session(s)")


# audit -------------------------------------------------------------------------------------
@app.command()
def audit(org: str = typer.Option(None), account: str = typer.Option(None),
          code: str = typer.Option(None), flow: str = typer.Option(None),
          since: datetime = typer.Option(None, help="ISO time, UTC if no offset"),
          until: datetime = typer.Option(None), limit: int = typer.Option(50),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Read the audit log: every sign-in attempt with its code, and every admin change."""
    async def work(rt: Runtime) -> Any:
        org_id = (await rt.directory.org(org)).id if org else None
        account_id = (await rt.directory.account(account)).id if account else None
        return await rt.directory.audit(AuditQuery(
            org_id=org_id, account_id=account_id, code=code, flow_id=flow,
            since=_utc(since), until=_utc(until), limit=limit))

    language = Settings().default_language
    for event in _run(work):
        if as_json:
            typer.echo(json.dumps({"at": event.at.isoformat(), "event": event.event,
                                   "outcome": event.outcome, "code": event.code,
                                   "account": event.identifier or event.account_id,
                                   "ip": event.ip, "flow_id": event.flow_id,
                                   "detail": event.detail}, ensure_ascii=False))
            continue
        reason = f"{event.code} {message(event.code, language)}" if event.code else ""
        typer.echo(f"{event.at:%Y-%m-%d %H:%M:%S}\t{event.event}\t{event.outcome}\t"
                   f"{event.identifier or event.account_id or '-'}\t{event.ip or '-'}\t{reason}")


def _utc(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# outbox ------------------------------------------------------------------------------------
@app.command()
def outbox(limit: int = typer.Option(20, help="How many messages, newest first"),
           to: str = typer.Option(None, help="Only messages to this number or address")
           ) -> None:
    """Development: the SMS and email Monban kept instead of sending (no SMS provider or SMTP
    server configured), codes included."""
    messages = _run(lambda rt: rt.outbox.latest(limit, to))
    if not messages:
        typer.echo("(the outbox is empty)")
    for m in messages:
        typer.echo(f"{m.created_at:%Y-%m-%d %H:%M:%S}\t{m.channel}\t{m.target}\t"
                   f"{m.subject or '-'}")
        typer.echo("".join(f"    {line}\n" for line in m.body.splitlines()))


# diagnose ----------------------------------------------------------------------------------
@app.command()
def diagnose(account: str = typer.Option(None, help="Email, mobile number or username"),
             flow: str = typer.Option(None, help="A sign-in flow id"),
             event: int = typer.Option(None, help="One attempt, by its audit event id"),
             since: datetime = typer.Option(None, help="ISO time, UTC if no offset"),
             until: datetime = typer.Option(None), limit: int = typer.Option(20),
             lang: str = typer.Option(None, help="ja or en (default: the server's)"),
             apply: str = typer.Option(None, help="Take this fix of --event (its key)"),
             value: int = typer.Option(None, help="The new limit, for raise_* fixes"),
             as_json: bool = typer.Option(False, "--json")) -> None:
    """Why did a sign-in fail? Each attempt, and for a failed one the policy that decided,
    the values it used, who can fix it and the fix (--event ID --apply KEY takes it)."""
    from monban.diagnostics.report import run_diagnose

    typer.echo(_run(lambda rt: run_diagnose(
        rt, account=account, flow=flow, event=event, since=_utc(since), until=_utc(until),
        limit=limit, language=lang, apply=apply, value=value, as_json=as_json)))


# getting back in (recovery/admin_reset.py, as the operator) -------------------------------
@user_app.command("reset-mfa")
def user_reset_mfa(account: str) -> None:
    """Remove an account's second factors, backup codes and trusted browsers (it enrols again
    at the next sign-in); its browser sessions end and it is told by email."""
    from monban.recovery import Recovery

    async def work(rt: Runtime) -> dict[str, int]:
        found = await rt.directory.account(account)
        return await Recovery.of(rt).admin.reset_mfa(None, found, None)

    typer.echo(f"two-step verification reset: {_run(work)}")


@user_app.command("backup-code")
def user_backup_code(account: str) -> None:
    """Issue one one-time backup verification code (printed once; verify the person first)."""
    from monban.recovery import Recovery

    async def work(rt: Runtime) -> str:
        found = await rt.directory.account(account)
        return await Recovery.of(rt).admin.issue_backup_code(None, found, None)

    typer.echo(_run(work))
