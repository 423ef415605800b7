"""Sign-in requests waiting for the app: push challenges (number matching) and QR sign-ins.

Every change of state is one conditional UPDATE (WHERE status = ... AND unexpired), so of a
hundred racing answers exactly one is taken, and a decided request is used once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, func, insert, select, update

from monban.db.tables import push_challenges

PENDING = "pending"
APPROVED = "approved"
DENIED = "denied"
WRONG = "wrong"
"""The app answered with a number that was not the one shown in the browser."""
USED = "used"


@dataclass(frozen=True, slots=True)
class PushChallenge:
    id: str
    kind: str
    account_id: str | None
    device_id: str | None
    flow_id: str | None
    number: int
    choices: list[int]
    context: dict[str, Any]
    status: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None


def _challenge(row: Row[Any]) -> PushChallenge:
    m = dict(row._mapping)
    m["choices"] = list(m["choices"] or [])
    m["context"] = dict(m["context"] or {})
    return PushChallenge(**m)


def add(conn: Connection, challenge: PushChallenge) -> None:
    conn.execute(insert(push_challenges).values(
        {name: getattr(challenge, name) for name in PushChallenge.__slots__}))


_GET = select(push_challenges).where(push_challenges.c.id == bindparam("c"))


def add_superseding(conn: Connection, challenge: PushChallenge, limit: int) -> bool:
    """Store a push request; the same flow's earlier pending ones can no longer be answered.
    False (nothing stored) when the account already has `limit` requests pending: a person
    who knows the password cannot flood the device with requests."""
    conn.execute(update(push_challenges).where(
        (push_challenges.c.flow_id == challenge.flow_id)
        & (push_challenges.c.status == PENDING)).values(status=USED))
    pending = conn.execute(select(func.count()).select_from(push_challenges).where(
        (push_challenges.c.account_id == challenge.account_id)
        & (push_challenges.c.kind == "push") & (push_challenges.c.status == PENDING)
        & (push_challenges.c.expires_at > challenge.created_at))).scalar_one()
    if pending >= limit:
        return False
    add(conn, challenge)
    return True


def get(conn: Connection, challenge_id: str) -> PushChallenge | None:
    row = conn.execute(_GET, {"c": challenge_id}).first()
    return _challenge(row) if row else None


def pending_for(conn: Connection, account_id: str, now: datetime) -> Sequence[PushChallenge]:
    rows = conn.execute(select(push_challenges).where(
        (push_challenges.c.account_id == account_id) & (push_challenges.c.kind == "push")
        & (push_challenges.c.status == PENDING) & (push_challenges.c.expires_at > now))
        .order_by(push_challenges.c.created_at))
    return [_challenge(row) for row in rows]


_ANSWER = (update(push_challenges)
           .where((push_challenges.c.id == bindparam("c"))
                  & (push_challenges.c.status == PENDING)
                  & (push_challenges.c.expires_at > bindparam("now")))
           .values(status=bindparam("to"), answered_at=bindparam("now")))


def answer(conn: Connection, challenge_id: str, status: str, now: datetime) -> bool:
    """pending -> approved | denied | wrong, once, before expiry."""
    return conn.execute(_ANSWER, {"c": challenge_id, "to": status, "now": now}).rowcount == 1


def approve_qr(conn: Connection, challenge_id: str, account_id: str, device_id: str,
               now: datetime) -> bool:
    return conn.execute(
        update(push_challenges)
        .where((push_challenges.c.id == challenge_id) & (push_challenges.c.kind == "qr")
               & (push_challenges.c.status == PENDING) & (push_challenges.c.expires_at > now))
        .values(status=APPROVED, answered_at=now, account_id=account_id,
                device_id=device_id)).rowcount == 1


def use(conn: Connection, challenge_id: str, seen_status: str) -> bool:
    """A decided (or expired pending) request is used once: the first caller wins."""
    return conn.execute(update(push_challenges).where(
        (push_challenges.c.id == challenge_id) & (push_challenges.c.status == seen_status))
        .values(status=USED)).rowcount == 1


def purge(conn: Connection, before: datetime) -> int:
    return conn.execute(delete(push_challenges).where(
        push_challenges.c.expires_at <= before)).rowcount
