"""`monban user devices|unrestrict …`: the operator's view of a member's Monban Authenticator
devices, and turning a sign-in restriction off when every device is gone (after checking who
asks; audited with no actor, like every operator act)."""

from __future__ import annotations

from typing import Any

import typer

from monban.cli.commands import user_app
from monban.cli.running import run
from monban.runtime import Runtime


@user_app.command("devices")
def user_devices(account: str) -> None:
    """The account's linked authenticator devices, and whether sign-in is restricted."""

    async def work(rt: Runtime) -> tuple[Any, bool]:
        found = await rt.directory.account(account)
        return (await rt.authenticator.devices(found.id),
                await rt.authenticator.restricted(found.id))

    devices, restricted = run(work)
    for device in devices:
        typer.echo(f"{device.id}\t{device.name}\t{device.platform}\t{device.app_version}\t"
                   f"last seen {device.last_seen_at.isoformat()}")
    typer.echo("sign-in restriction: " + ("on" if restricted else "off"))


@user_app.command("unrestrict")
def user_unrestrict(account: str) -> None:
    """Turn the account's sign-in restriction off (the member lost every device)."""

    async def work(rt: Runtime) -> bool:
        found = await rt.directory.account(account)
        changed: bool = await rt.authenticator.set_restriction(found, False, None, "")
        return changed

    typer.echo("sign-in restriction turned off" if run(work) else "it was not on")
