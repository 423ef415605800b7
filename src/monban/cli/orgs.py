"""`monban org …`: organisations and their settings."""

from __future__ import annotations

import json
from typing import Any

import typer

from monban.cli.commands import org_app
from monban.cli.running import parse_value, run
from monban.runtime import Runtime


# org ---------------------------------------------------------------------------------------
@org_app.command("create")
def org_create(name: str, slug: str = typer.Option(..., help="Short name used in URLs")) -> None:
    org = run(lambda rt: rt.directory.create_org(name, slug))
    typer.echo(f"created org {org.slug} ({org.id})")


@org_app.command("list")
def org_list() -> None:
    for org in run(lambda rt: rt.directory.list_orgs()):
        typer.echo(f"{org.slug}\t{org.name}\t{org.id}")


@org_app.command("show")
def org_show(org: str) -> None:
    found = run(lambda rt: rt.directory.org(org))
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
        changes[name.strip()] = parse_value(value.strip())

    async def work(rt: Runtime) -> Any:
        found = await rt.directory.org(org)
        return await rt.directory.update_settings(found, changes)

    typer.echo(json.dumps(run(work).model_dump(), indent=2))



@org_app.command("add-domain")
def org_add_domain(org: str, domain: str) -> None:
    """Claim an email domain for the org (its hide-existence setting then covers it)."""
    async def work(rt: Runtime) -> None:
        await rt.directory.add_domain(await rt.directory.org(org), domain)

    run(work)
    typer.echo(f"{domain} now belongs to {org}")
