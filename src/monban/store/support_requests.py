"""Support requests (support-assisted recovery): rows of `support_requests`.

A request is filed without signing in; until its contact is proven (`contact_verified_at`)
it is not in the queue. Status moves open -> approved -> done (the code was used), or open ->
denied, or open/approved -> expired. Every move is one UPDATE whose WHERE clause names the
status it leaves, so two agents deciding at once give one decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, select, update

from monban.accounts.model import Account
from monban.db.tables import accounts, backup_codes
from monban.db.tables import support_requests as t
from monban.store import accounts as account_store

OPEN, APPROVED, DENIED, DONE, EXPIRED = "open", "approved", "denied", "done", "expired"
STATUSES = (OPEN, APPROVED, DENIED, DONE, EXPIRED)
LIVE = (OPEN, APPROVED)
"""Statuses that run out at `expires_at`."""


@dataclass(frozen=True, slots=True)
class SupportRequest:
    id: str
    account_id: str | None
    identifier: str
    contact_channel: str
    """email | sms"""
    contact_target: str
    contact_verified_at: datetime | None
    description: str
    language: str
    status: str
    checks: list[dict[str, Any]] = field(default_factory=list)
    assigned_to: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None

    @property
    def proven(self) -> bool:
        return self.contact_verified_at is not None


def from_row(row: Row[Any]) -> SupportRequest:
    m = row._mapping
    return SupportRequest(**{name: m[name] for name in SupportRequest.__slots__
                             if name != "checks"}, checks=list(m["checks"] or []))


def insert(conn: Connection, request: SupportRequest) -> None:
    conn.execute(t.insert().values(
        id=request.id, account_id=request.account_id, identifier=request.identifier,
        contact_channel=request.contact_channel, contact_target=request.contact_target,
        contact_verified_at=None, description=request.description, language=request.language,
        status=OPEN, checks=[], assigned_to=None, decided_by=None, decided_at=None,
        created_at=request.created_at, expires_at=request.expires_at))


def get(conn: Connection, request_id: str, *, lock: bool = False) -> SupportRequest | None:
    query = select(t).where(t.c.id == request_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    return from_row(row) if row is not None else None


def prove(conn: Connection, request_id: str, now: datetime, expires_at: datetime) -> bool:
    """The contact answered its code: the request joins the queue, for `expires_at`."""
    return conn.execute(update(t).where(
        (t.c.id == request_id) & (t.c.status == OPEN) & t.c.contact_verified_at.is_(None)
        & (t.c.expires_at > now)).values(contact_verified_at=now, expires_at=expires_at)
    ).rowcount == 1


def queue(conn: Connection, org_id: str | None, statuses: Sequence[str], limit: int
          ) -> list[tuple[SupportRequest, Account | None]]:
    """Proven requests in `statuses`, oldest first, with their accounts. `org_id` None: every
    request (superadmins); else only those about the org's accounts."""
    query = (select(t).where(t.c.contact_verified_at.is_not(None) & t.c.status.in_(statuses))
             .order_by(t.c.created_at, t.c.id).limit(limit))
    if org_id is not None:
        query = query.select_from(t.join(accounts, accounts.c.id == t.c.account_id)).where(
            accounts.c.org_id == org_id)
    found = [from_row(row) for row in conn.execute(query)]
    ids = sorted({r.account_id for r in found if r.account_id})
    known = {a.id: a for a in (account_store.from_row(row) for row in conn.execute(
        select(accounts).where(accounts.c.id.in_(ids))))} if ids else {}
    return [(r, known.get(r.account_id or "")) for r in found]


def save_checks(conn: Connection, request_id: str, checks: list[dict[str, Any]],
                assigned_to: str | None) -> None:
    conn.execute(update(t).where(t.c.id == request_id)
                 .values(checks=checks, assigned_to=assigned_to))


def decide(conn: Connection, request_id: str, status: str, actor_id: str, now: datetime,
           expires_at: datetime | None = None) -> bool:
    """open -> approved | denied, once: False if another decision (or expiry) came first."""
    values: dict[str, Any] = {"status": status, "decided_by": actor_id, "decided_at": now}
    if expires_at is not None:
        values["expires_at"] = expires_at
    return conn.execute(update(t).where(
        (t.c.id == request_id) & (t.c.status == OPEN) & t.c.contact_verified_at.is_not(None)
        & (t.c.expires_at > now)).values(**values)).rowcount == 1


def reopen(conn: Connection, request_id: str, expires_at: datetime) -> None:
    """Undo an approval whose code could not be delivered."""
    conn.execute(update(t).where((t.c.id == request_id) & (t.c.status == APPROVED)).values(
        status=OPEN, decided_by=None, decided_at=None, expires_at=expires_at))


def move(conn: Connection, request_id: str, from_status: str, to_status: str) -> bool:
    return conn.execute(update(t).where((t.c.id == request_id) & (t.c.status == from_status))
                        .values(status=to_status)).rowcount == 1


def due(conn: Connection, now: datetime) -> list[SupportRequest]:
    """Open or approved requests whose time ran out."""
    rows = conn.execute(select(t).where(t.c.status.in_(LIVE) & (t.c.expires_at <= now)))
    return [from_row(row) for row in rows]


def used(conn: Connection) -> list[tuple[SupportRequest, datetime]]:
    """Approved requests whose backup code (its set id is the request id) has been used."""
    code = backup_codes
    rows = conn.execute(select(t, code.c.used_at.label("code_used_at")).select_from(
        t.join(code, and_(code.c.set_id == t.c.id, code.c.account_id == t.c.account_id)))
        .where((t.c.status == APPROVED) & code.c.used_at.is_not(None)))
    return [(from_row(row), row.code_used_at) for row in rows]
