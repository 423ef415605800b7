"""What an agent may know about the account behind a support request: facts to check the
person against, never a secret. No password or its hash, no TOTP seed, no code or code hash,
no full recovery contact: contacts and factor targets are masked (one_time_codes.mask)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from monban.accounts.model import Account
from monban.db.tables import audit_events
from monban.factors.one_time_codes import mask
from monban.factors.registry import counts_alone
from monban.sessions.device import describe
from monban.store import factors as factor_store
from monban.store import orgs
from monban.store import recovery_contacts as contact_store
from monban.store.support_requests import SupportRequest

RECENT_FAILURES = 10


@dataclass(frozen=True, slots=True)
class SignInSeen:
    at: datetime
    ip: str | None
    device: str
    code: str | None = None
    event: str = ""


@dataclass(frozen=True, slots=True)
class Facts:
    exists: bool
    account_id: str | None = None
    label: str = ""
    display_name: str = ""
    org_name: str | None = None
    role: str | None = None
    disabled: bool = False
    created_at: datetime | None = None
    password_changed_at: datetime | None = None
    last_signin: SignInSeen | None = None
    factors: list[dict[str, Any]] = field(default_factory=list)
    """kind, name, masked target, created_at, last_used_at"""
    recovery_contacts: list[dict[str, Any]] = field(default_factory=list)
    """channel, masked target, verified"""
    contact_matches: str | None = None
    """Where the proven contact is also registered: recovery_contact | account | factor."""
    second_step: bool = False
    """The account has a second factor, so a backup code is asked for at sign-in."""
    recent_failures: list[SignInSeen] = field(default_factory=list)


def gather(conn: Connection, request: SupportRequest, account: Account | None) -> Facts:
    if account is None:
        return Facts(exists=False)
    org = orgs.get(conn, account.org_id) if account.org_id else None
    enrolled = factor_store.list_for(conn, account.id)
    contacts = contact_store.list_for(conn, account.id)
    return Facts(
        exists=True, account_id=account.id, label=account.label,
        display_name=account.display_name, org_name=org.name if org else None,
        role=account.role.value if account.role else None, disabled=account.disabled,
        created_at=account.created_at, password_changed_at=account.password_changed_at,
        last_signin=_last_signin(conn, account.id),
        factors=[{"kind": f.kind, "name": f.name,
                  "target": mask(f.target) if f.target else None,
                  "created_at": f.created_at, "last_used_at": f.last_used_at}
                 for f in enrolled],
        recovery_contacts=[{"channel": c.channel, "target": mask(c.target),
                            "verified": c.verified} for c in contacts],
        contact_matches=_match(request, account, contacts, enrolled),
        second_step=any(counts_alone(f.kind) for f in enrolled),
        recent_failures=_failures(conn, account.id))


def _match(request: SupportRequest, account: Account, contacts: Any, enrolled: Any
           ) -> str | None:
    target = request.contact_target
    if any(c.verified and c.target == target for c in contacts):
        return "recovery_contact"
    if target in (account.email, account.phone):
        return "account"
    if any(f.kind in ("sms", "email") and f.target == target for f in enrolled):
        return "factor"
    return None


def _seen(row: Any) -> SignInSeen:
    return SignInSeen(at=row.at, ip=row.ip, device=describe(row.user_agent or ""),
                      code=row.code, event=row.event)


def _last_signin(conn: Connection, account_id: str) -> SignInSeen | None:
    row = conn.execute(select(audit_events).where(
        (audit_events.c.account_id == account_id) & (audit_events.c.event == "signin.success"))
        .order_by(audit_events.c.id.desc()).limit(1)).first()
    return _seen(row) if row is not None else None


def _failures(conn: Connection, account_id: str) -> list[SignInSeen]:
    rows = conn.execute(select(audit_events).where(
        (audit_events.c.account_id == account_id) & (audit_events.c.outcome == "failure")
        & audit_events.c.event.like("signin.%"))
        .order_by(audit_events.c.id.desc()).limit(RECENT_FAILURES))
    return [_seen(row) for row in rows]
