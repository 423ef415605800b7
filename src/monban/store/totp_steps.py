"""Authenticator-app (TOTP) time steps already accepted, per account: each code is good once.

The insert is the check: (account_id, step) is the primary key, so of any number of racing
submissions of one code exactly one inserts the row and passes (RFC 6238 section 5.2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select

from monban.db.tables import factors, totp_used_steps
from monban.store.conflicts import insert_for

_MARK: dict[str, Any] = {}
_DATA = (select(factors.c.data)
         .where((factors.c.id == bindparam("f")) & (factors.c.account_id == bindparam("a")))
         .with_for_update())


def mark_used(conn: Connection, account_id: str, step: int, now: datetime) -> bool:
    """Spend `step` for the account; False when it was spent before (a replayed code)."""
    dialect = conn.dialect.name
    statement = _MARK.get(dialect)
    if statement is None:  # built once per dialect: building costs more than running
        statement = _MARK[dialect] = insert_for(conn, totp_used_steps).values(
            account_id=bindparam("a"), step=bindparam("s"), used_at=bindparam("now"),
        ).on_conflict_do_nothing(index_elements=["account_id", "step"]).returning(
            totp_used_steps.c.step)
    inserted = conn.execute(statement, {"a": account_id, "s": step, "now": now}).first()
    return inserted is not None  # RETURNING, not rowcount: psycopg reports -1 for this insert


def locked_data(conn: Connection, account_id: str, factor_id: str) -> dict[str, Any] | None:
    """The factor's data read again inside the checking transaction (the row locked on
    PostgreSQL; SQLite's write transactions are serialised already), so learning a clock
    offset is a read-modify-write of fresh data. None when the factor is gone."""
    row = conn.execute(_DATA, {"f": factor_id, "a": account_id}).first()
    return dict(row[0] or {}) if row is not None else None


def sweep(conn: Connection, before: datetime) -> int:
    """Forget steps spent before `before`: once a step is further in the past than the widest
    drift window (two hours at most), no code for it is accepted anyway."""
    result = conn.execute(delete(totp_used_steps).where(totp_used_steps.c.used_at < before))
    return result.rowcount
