"""Authenticator-app (TOTP) time steps already accepted, per account: each code is good once.

The insert is the check: (account_id, step) is the primary key, so of any number of racing
submissions of one code exactly one inserts the row and passes (RFC 6238 section 5.2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from monban.db.tables import factors, totp_used_steps
from monban.store.conflicts import insert_for


def mark_used(conn: Connection, account_id: str, step: int, now: datetime) -> bool:
    """Spend `step` for the account; False when it was spent before (a replayed code)."""
    statement = insert_for(conn, totp_used_steps).values(
        account_id=account_id, step=step, used_at=now)
    inserted = conn.execute(statement.on_conflict_do_nothing(
        index_elements=["account_id", "step"]).returning(totp_used_steps.c.step)).first()
    return inserted is not None  # RETURNING, not rowcount: psycopg reports -1 for this insert


def locked_data(conn: Connection, account_id: str, factor_id: str) -> dict[str, Any] | None:
    """The factor's data read again inside the checking transaction (the row locked on
    PostgreSQL; SQLite's write transactions are serialised already), so learning a clock
    offset is a read-modify-write of fresh data. None when the factor is gone."""
    row = conn.execute(select(factors.c.data).where(
        (factors.c.id == factor_id) & (factors.c.account_id == account_id))
        .with_for_update()).first()
    return dict(row[0] or {}) if row is not None else None


def sweep(conn: Connection, before: datetime) -> int:
    """Forget steps spent before `before`: once a step is further in the past than the widest
    drift window (two hours at most), no code for it is accepted anyway."""
    result = conn.execute(delete(totp_used_steps).where(totp_used_steps.c.used_at < before))
    return result.rowcount
