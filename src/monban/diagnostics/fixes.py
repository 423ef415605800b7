"""The fixes an admin can take from a diagnosis, and applying them.

A Fix is data (which action, on what, who may take it); explain.py proposes them from an
attempt and the facts of now, and `apply` performs one through the same services the console
and the CLI use, audited with the actor. A fix that has no action here yet (resetting two-step
verification before account recovery exists) carries the page where it can be done instead.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from monban.admin.authorization import MEMBER_ACTS, MIN_ROLE, Action, Target, allowed
from monban.db.tables import known_browsers
from monban.diagnostics.words import N_, Line, say
from monban.errors import CatalogueError
from monban.signin import lockout
from monban.store import audit

if TYPE_CHECKING:
    from monban.accounts.model import Account, Org
    from monban.runtime import Runtime
    from monban.signin.request_info import RequestInfo

RECOVERY_RESET = "monban.recovery.admin_reset"


@dataclass(frozen=True, slots=True)
class Fix:
    key: str
    action: Action
    """What it does, for admin/authorization.py to say who may take it."""
    label: Line
    params: Mapping[str, Any] = field(default_factory=dict)
    href: str | None = None
    """Set when the fix is done on another page rather than applied from here."""

    @property
    def role(self) -> str:
        """The least org role that may take it ("admin", "support")."""
        least = MIN_ROLE[self.action]
        return least.value if least else "superadmin"


def add_org_ip(ip: str) -> Fix:
    return Fix("add_org_ip", Action.MANAGE_IP_RULES,
               say(N_("Add %(ip)s to the organization's allowed list"), ip=ip), {"ip": ip})


def add_account_ip(ip: str) -> Fix:
    return Fix("add_account_ip", Action.MANAGE_MEMBER_IP_RULES,
               say(N_("Add %(ip)s to the member's own allowed list"), ip=ip), {"ip": ip})


def clear_lockout(ip: str) -> Fix:
    return Fix("clear_lockout", Action.CLEAR_LOCKOUT, say(N_("Clear the lock now")), {"ip": ip})


def end_sessions() -> Fix:
    return Fix("end_sessions", Action.END_SESSIONS, say(N_("End all of the member's sessions")))


def raise_limit(setting: str, value: int) -> Fix:
    msgid = (N_("Raise the daily sign-in limit to %(value)s") if setting == "daily_signin_limit"
             else N_("Raise the concurrent session limit to %(value)s"))
    return Fix(f"raise_{setting}", Action.CHANGE_SETTINGS, say(msgid, value=value),
               {"setting": setting, "value": value})


def enable_account() -> Fix:
    return Fix("enable_account", Action.ENABLE, say(N_("Enable the account")))


def set_password(member_page: str) -> Fix:
    return Fix("set_password", Action.SET_PASSWORD, say(N_("Set a new password for the member")),
               href=f"{member_page}#password")


def reset_mfa(member_page: str) -> Fix:
    """Account recovery's admin reset when it exists (support may reset members, admins
    support staff too: recovery checks the ranks), else the member's page."""
    label = say(N_("Reset the member's two-step verification"))
    if recovery_reset_available():
        return Fix("reset_mfa", Action.RESET_FACTORS, label)
    return Fix("reset_mfa", Action.RESET_FACTORS, label, href=member_page)


def recovery_reset_available() -> bool:
    try:
        return importlib.util.find_spec(RECOVERY_RESET) is not None
    except ModuleNotFoundError:  # no recovery package at all
        return False


def may_take(fix: Fix, actor: Account | None, org_id: str | None,
             member: Account | None = None) -> bool:
    """None is the operator at the command line, who may take every fix."""
    if fix.action in MEMBER_ACTS and member is not None:
        return allowed(actor, fix.action, Target.of(member))
    return allowed(actor, fix.action, Target(org_id))


def chosen_value(fix: Fix, current: int, value: int | None) -> int:
    """The new limit for a raise_* fix: the one offered, or the admin's own choice, which must
    be above the current limit (0 means no limit)."""
    chosen = int(fix.params["value"]) if value is None else value
    if chosen < 0 or (chosen != 0 and current != 0 and chosen <= current):
        raise CatalogueError("INVALID_REQUEST", detail={"field": "value"})
    return chosen


async def apply(runtime: Runtime, fix: Fix, account: Account, org: Org | None,
                actor: Account | None, request: RequestInfo, value: int | None = None) -> str:
    """Take the fix; returns what was done, for the audit log and the caller."""
    if fix.href is not None:
        raise CatalogueError("INVALID_REQUEST", detail={"fix": fix.key})
    if not may_take(fix, actor, org.id if org else None, account):
        raise CatalogueError("PERMISSION_DENIED")
    actor_id = actor.id if actor else None
    directory, ip = runtime.directory, str(request.ip)
    if fix.key == "add_org_ip" and org is not None:
        rule = await directory.add_ip_rule("org", org.id, str(fix.params["ip"]),
                                           account.label, actor_id)
        return rule.cidr
    if fix.key == "add_account_ip":
        rule = await directory.add_ip_rule("account", account.id, str(fix.params["ip"]),
                                           account.label, actor_id)
        return rule.cidr
    if fix.key == "clear_lockout":
        return str(await _clear_lockout(runtime, account, str(fix.params["ip"]), actor_id, ip))
    if fix.key == "end_sessions":
        operator = actor or account
        return str(await runtime.sessions.end_others(account, None, operator, ip))
    if fix.key.startswith("raise_") and org is not None:
        setting = str(fix.params["setting"])
        new = chosen_value(fix, int(getattr(org.settings, setting)), value)
        await directory.update_settings(org, {setting: new}, actor_id)
        return str(new)
    if fix.key == "enable_account":
        await directory.update_account(account, actor_id=actor_id, disabled=False)
        return "enabled"
    if fix.key == "reset_mfa" and actor is not None:
        return await _recovery_reset(runtime, account, actor, request)
    raise CatalogueError("INVALID_REQUEST", detail={"fix": fix.key})


async def _clear_lockout(runtime: Runtime, account: Account, source_ip: str,
                         actor_id: str | None, ip: str) -> int:
    """Forget the failures of the source that was refused, of every browser where the member
    signed in before, and of the account as a whole."""
    devices = await runtime.db.run(known_devices, account.id, write=False)
    keys = {lockout.keys_for(account.id, source_ip, None, False).source,
            lockout.keys_for(account.id, source_ip, None, False).account}
    keys |= {lockout.keys_for(account.id, source_ip, device, True).source for device in devices}
    await runtime.counters.clear_attempts(*sorted(keys))
    await runtime.db.run(audit.record, audit.AuditEvent(
        at=runtime.clock.now(), event="lockout.cleared", outcome="success",
        account_id=account.id, org_id=account.org_id, actor_id=actor_id,
        identifier=account.label, ip=ip, detail={"source_ip": source_ip}))
    return len(keys)


def known_devices(conn: Connection, account_id: str) -> list[str]:
    rows = conn.execute(select(known_browsers.c.device_id)
                        .where(known_browsers.c.account_id == account_id))
    return [str(row[0]) for row in rows]


async def _recovery_reset(runtime: Runtime, account: Account, actor: Account,
                          request: RequestInfo) -> str:
    """Account recovery's admin reset of the second factors (recovery/admin_reset.py)."""
    recovery: Any = importlib.import_module("monban.recovery")
    counts = await recovery.Recovery.of(runtime).admin.reset_mfa(actor, account, request)
    return ", ".join(f"{k}={v}" for k, v in dict(counts).items())
