"""`monban sessions …`."""

from __future__ import annotations

from typing import Any

import typer

from monban.cli.commands import sessions_app
from monban.cli.running import run
from monban.errors import CatalogueError
from monban.runtime import Runtime
from monban.sessions.device import describe


# sessions ----------------------------------------------------------------------------------
@sessions_app.command("list")
def sessions_list(account: str) -> None:
    async def work(rt: Runtime) -> Any:
        found = await rt.directory.account(account)
        org = await rt.directory.org(found.org_id) if found.org_id else None
        from monban.accounts.org_settings import DEFAULT_SETTINGS

        return await rt.sessions.list_live(found, org.settings if org else DEFAULT_SETTINGS)

    for s in run(work):
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
            raise CatalogueError("NOT_FOUND")
        return int(await rt.sessions.end(found, matches[0].id, found, "cli"))

    typer.echo(f"ended {run(work)} session(s)")
