"""Password history: the hashes an account used before its current one, newest first, at
most KEEP of them, for the org rule "the last N passwords may not be reused"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from monban.db.tables import accounts, password_history

KEEP = 24
"""The most an org may ask for (OrgSettings.password_history); older rows are deleted."""

_RECENT = (select(password_history.c.password_hash)
           .where(password_history.c.account_id == bindparam("a"))
           .order_by(password_history.c.created_at.desc(), password_history.c.id.desc())
           .limit(bindparam("n")))


def recent(conn: Connection, account_id: str, limit: int) -> list[str]:
    """The previous hashes (not the current one), newest first."""
    if limit <= 0:
        return []
    return [row[0] for row in conn.execute(_RECENT, {"a": account_id, "n": limit})]


def record_change(conn: Connection, account_id: str, new_hash: str, now: datetime, *,
                  clear_must_change: bool) -> None:
    """Set a new password: the current hash joins the history, the new one replaces it and
    its age starts now. `clear_must_change`: the account's owner set it (not an admin), so a
    change asked for at the next sign-in has been made."""
    current = conn.execute(select(accounts.c.password_hash)
                           .where(accounts.c.id == account_id)).scalar_one_or_none()
    if current:
        conn.execute(insert(password_history).values(
            account_id=account_id, password_hash=current, created_at=now))
    values: dict[str, Any] = {"password_hash": new_hash, "password_changed_at": now}
    if clear_must_change:
        values["must_change_password"] = False
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values))
    kept = (select(password_history.c.id).where(password_history.c.account_id == account_id)
            .order_by(password_history.c.created_at.desc(), password_history.c.id.desc())
            .limit(KEEP))
    conn.execute(delete(password_history).where(
        (password_history.c.account_id == account_id)
        & password_history.c.id.not_in(kept)))

