"""`monban idp …`: upstream identity providers (server-wide social presets, an org's own)."""

from __future__ import annotations

from typing import Any

import typer

from monban.cli.commands import app
from monban.cli.running import run
from monban.federation.presets import PRESETS
from monban.runtime import Runtime

idp_app = typer.Typer(help="Identity providers for federated sign-in.", no_args_is_help=True)
app.add_typer(idp_app, name="idp")


@idp_app.command("add")
def idp_add(slug: str,
            client_id: str = typer.Option(..., help="The client id registered at the provider."),
            client_secret: str = typer.Option(
                ..., envvar="MONBAN_IDP_CLIENT_SECRET", prompt=True, hide_input=True,
                help="Read from MONBAN_IDP_CLIENT_SECRET or asked for (kept out of shell "
                     "history); stored sealed."),
            preset: str = typer.Option(None, help="One of: " + ", ".join(PRESETS)),
            issuer: str = typer.Option(None, help="A generic OpenID provider's issuer URL."),
            name: str = typer.Option(None, help="The name on the button."),
            org: str = typer.Option(None, help="Make it this org's own IdP."),
            auto_create: bool = typer.Option(
                False, help="Org IdP only: create accounts for new people whose verified "
                            "email is on one of the org's claimed domains.")) -> None:
    async def work(rt: Runtime) -> Any:
        org_id = (await rt.directory.org(org)).id if org else None
        return await rt.federation.registry.add(
            slug=slug, client_id=client_id, client_secret=client_secret, preset=preset,
            issuer=issuer, display_name=name, org_id=org_id, auto_create=auto_create)

    provider = run(work)
    typer.echo(f"added {provider.slug} ({provider.display_name}, {provider.protocol}) "
               f"issuer={provider.issuer}")


@idp_app.command("list")
def idp_list(org: str = typer.Option(None, help="Only the providers this org can use.")
             ) -> None:
    async def work(rt: Runtime) -> Any:
        if org:
            return await rt.federation.registry.list((await rt.directory.org(org)).id)
        return await rt.federation.registry.everything()

    for p in run(work):
        scope = f"org={p.org_id}" if p.org_id else "server-wide"
        flags = " auto-create" if p.auto_create else ""
        state = "" if p.enabled else " (disabled)"
        typer.echo(f"{p.slug}\t{p.display_name}\t{p.protocol}\t{p.issuer}\t{scope}"
                   f"{flags}{state}")


@idp_app.command("remove")
def idp_remove(slug: str) -> None:
    async def work(rt: Runtime) -> None:
        await rt.federation.registry.remove(await rt.federation.registry.get(slug))

    run(work)
    typer.echo(f"removed {slug} and its links")
