"""`monban audit`, `monban diagnose`, `monban outbox`: what happened and why."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import typer

from monban.cli.commands import app
from monban.cli.running import run, utc
from monban.config import Settings
from monban.errors import message
from monban.runtime import Runtime
from monban.store.audit import AuditQuery


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
            since=utc(since), until=utc(until), limit=limit))

    language = Settings().default_language
    for event in run(work):
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



# outbox ------------------------------------------------------------------------------------
@app.command()
def outbox(limit: int = typer.Option(20, help="How many messages, newest first"),
           to: str = typer.Option(None, help="Only messages to this number or address")
           ) -> None:
    """Development: the SMS and email Monban kept instead of sending (no SMS provider or SMTP
    server configured), codes included."""
    messages = run(lambda rt: rt.outbox.latest(limit, to))
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

    typer.echo(run(lambda rt: run_diagnose(
        rt, account=account, flow=flow, event=event, since=utc(since), until=utc(until),
        limit=limit, language=lang, apply=apply, value=value, as_json=as_json)))
