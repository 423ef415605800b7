"""One-time codes sent by SMS or email (MFA, enrolment, and later passwordless sign-in and
password reset): rows in `otp_challenges` holding only a keyed hash of each code.

A code belongs to a scope — (account, purpose, channel, target), optionally one sign-in flow.
Within (account, purpose, channel, target) only the newest delivered code is live: older
unused ones are marked superseded. A code is used by one UPDATE whose WHERE clause carries
every condition (hash, unused, not superseded, not expired), so of any number of concurrent
submissions of one code exactly one sees rowcount 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import ColumnElement, Connection, and_, delete, false, func, select, update

from monban.db.tables import otp_challenges as t

Stale = Literal["expired", "superseded", "used"]


@dataclass(frozen=True, slots=True)
class Scope:
    account_id: str
    purpose: str
    """mfa | enroll | signin | recovery"""
    channel: str
    """sms | email"""
    target: str
    """The E.164 number or the normalised address the code went to."""
    flow_id: str | None = None
    """When set, only codes issued in this flow answer (sign-in flows); the resend cool-down
    and superseding ignore it."""


def _key(scope: Scope) -> ColumnElement[bool]:
    return and_(t.c.account_id == scope.account_id, t.c.purpose == scope.purpose,
                t.c.channel == scope.channel, t.c.target == scope.target)


def _scoped(scope: Scope) -> ColumnElement[bool]:
    if scope.flow_id is None:
        return _key(scope)
    return and_(_key(scope), t.c.flow_id == scope.flow_id)


def last_issued_at(conn: Connection, scope: Scope) -> datetime | None:
    """When the newest code of this (account, purpose, channel, target) was issued."""
    value: datetime | None = conn.execute(
        select(func.max(t.c.created_at)).where(_key(scope))).scalar()
    return value


def insert(conn: Connection, challenge_id: str, scope: Scope, code_hash: str,
           now: datetime, expires_at: datetime) -> None:
    conn.execute(t.insert().values(
        id=challenge_id, account_id=scope.account_id, purpose=scope.purpose,
        channel=scope.channel, target=scope.target, flow_id=scope.flow_id,
        code_hash=code_hash, created_at=now, expires_at=expires_at, used_at=None,
        superseded=False))


def supersede_older(conn: Connection, scope: Scope, keep_id: str, issued_at: datetime) -> int:
    """After `keep_id` was delivered: every other unused code of the same key issued no later
    stops working."""
    return conn.execute(update(t).where(
        _key(scope), t.c.id != keep_id, t.c.created_at <= issued_at, t.c.used_at.is_(None),
        t.c.superseded == false()).values(superseded=True)).rowcount


def supersede_all(conn: Connection, scope: Scope) -> int:
    """Retire every live code of the key (too many wrong answers, or the target changed)."""
    return conn.execute(update(t).where(
        _key(scope), t.c.used_at.is_(None), t.c.superseded == false())
        .values(superseded=True)).rowcount


def withdraw(conn: Connection, challenge_id: str) -> None:
    """Forget a code that could not be delivered (so it neither works nor holds the
    cool-down)."""
    conn.execute(delete(t).where(t.c.id == challenge_id))


def consume(conn: Connection, scope: Scope, code_hash: str, now: datetime) -> bool:
    """Use the live code with this hash: one atomic statement, True for exactly one caller."""
    result = conn.execute(update(t).where(
        _scoped(scope), t.c.code_hash == code_hash, t.c.used_at.is_(None),
        t.c.superseded == false(), t.c.expires_at > now).values(used_at=now))
    return result.rowcount >= 1


def why_not(conn: Connection, scope: Scope, code_hash: str, now: datetime) -> Stale | None:
    """After `consume` failed: was this a real code that is no longer good (and why), or no
    code of ours at all (None)?"""
    rows = conn.execute(select(t.c.used_at, t.c.superseded, t.c.expires_at).where(
        _scoped(scope), t.c.code_hash == code_hash)).all()
    if not rows:
        return None
    if any(row.used_at is None and not row.superseded and row.expires_at <= now
           for row in rows):
        return "expired"
    if any(row.used_at is None and row.superseded for row in rows):
        return "superseded"
    return "used"


def sweep(conn: Connection, before: datetime) -> int:
    """Delete codes that expired before `before` (housekeeping)."""
    return conn.execute(delete(t).where(t.c.expires_at < before)).rowcount
