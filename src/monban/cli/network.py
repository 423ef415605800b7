"""`monban ip …`: allowed-IP lists."""

from __future__ import annotations

from typing import Any

import typer

from monban.cli.commands import ip_app
from monban.cli.running import run
from monban.runtime import Runtime


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

    rule = run(work)
    typer.echo(f"allowed {rule.cidr} ({rule.name}) id={rule.id}")


@ip_app.command("list")
def ip_list(org: str = typer.Option(None), user: str = typer.Option(None)) -> None:
    async def work(rt: Runtime) -> Any:
        return await rt.directory.ip_rules(*(await _owner(rt, org, user)))

    rules = run(work)
    if not rules:
        typer.echo("(no list: every address is allowed)")
    for rule in rules:
        typer.echo(f"{rule.id}\t{rule.cidr}\t{rule.name}")


@ip_app.command("remove")
def ip_remove(rule_id: str, org: str = typer.Option(None), user: str = typer.Option(None)) -> None:
    async def work(rt: Runtime) -> None:
        scope, owner = await _owner(rt, org, user)
        await rt.directory.remove_ip_rule(scope, owner, rule_id)

    run(work)
    typer.echo("removed")
