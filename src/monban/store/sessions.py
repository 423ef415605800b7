"""Sessions kept on the server. The cookie holds a token; the table holds its SHA-256."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, or_, select, update

from monban.db.tables import sessions

BROWSER = "browser"


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    account_id: str
    kind: str
    persistent: bool
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    ip: str
    user_agent: str
    flow_id: str | None
    amr: str = "pwd"
    """How the person proved who they are (RFC 8176 values, comma-separated)."""


def from_row(row: Row[Any]) -> Session:
    return Session(**{name: row._mapping[name] for name in Session.__slots__})


def live_clause(now: datetime, idle_cutoff: datetime | None) -> Any:
    """Not ended, not expired, and (kept signed in, or seen after `idle_cutoff`): the SQL
    form of sessions/lifetime.is_live."""
    clause = and_(sessions.c.ended_at.is_(None), sessions.c.expires_at > now)
    if idle_cutoff is not None:
        clause = and_(clause, or_(sessions.c.persistent.is_(True),
                                  sessions.c.last_seen_at > idle_cutoff))
    return clause


_INSERT = sessions.insert()
_GET = select(sessions).where(sessions.c.id == bindparam("v"))
_COUNT = select(func.count()).select_from(sessions).where(
    (sessions.c.account_id == bindparam("a")) & (sessions.c.kind == bindparam("k"))
    & sessions.c.ended_at.is_(None) & (sessions.c.expires_at > bindparam("now"))
    & (sessions.c.persistent.is_(True) | (sessions.c.last_seen_at > bindparam("idle_cutoff"))))
_TOUCH = update(sessions).where(sessions.c.id == bindparam("v")).values(
    last_seen_at=bindparam("now"))


def insert(conn: Connection, session: Session) -> None:
    conn.execute(_INSERT, {name: getattr(session, name) for name in Session.__slots__})


def get(conn: Connection, session_id: str) -> Session | None:
    row = conn.execute(_GET, {"v": session_id}).first()
    return from_row(row) if row else None


def count_live(conn: Connection, account_id: str, kind: str, now: datetime,
               idle_cutoff: datetime | None) -> int:
    cutoff = idle_cutoff or datetime.min.replace(tzinfo=UTC)
    return int(conn.execute(_COUNT, {"a": account_id, "k": kind, "now": now,
                                     "idle_cutoff": cutoff}).scalar_one())


def list_live(conn: Connection, account_id: str, now: datetime,
              idle_cutoff: datetime | None) -> Sequence[Session]:
    rows = conn.execute(
        select(sessions).where((sessions.c.account_id == account_id)
                               & live_clause(now, idle_cutoff))
        .order_by(sessions.c.last_seen_at.desc()))
    return [from_row(row) for row in rows]


def touch(conn: Connection, session_id: str, now: datetime) -> None:
    conn.execute(_TOUCH, {"v": session_id, "now": now})


def end(conn: Connection, account_id: str, session_id: str, now: datetime) -> bool:
    result = conn.execute(
        update(sessions).where((sessions.c.id == session_id)
                               & (sessions.c.account_id == account_id)
                               & sessions.c.ended_at.is_(None))
        .values(ended_at=now))
    return result.rowcount == 1


def end_all(conn: Connection, account_id: str, now: datetime, *, except_id: str | None = None,
            kind: str | None = None) -> int:
    clause = (sessions.c.account_id == account_id) & sessions.c.ended_at.is_(None)
    if except_id:
        clause &= sessions.c.id != except_id
    if kind:
        clause &= sessions.c.kind == kind
    return conn.execute(update(sessions).where(clause).values(ended_at=now)).rowcount

