"""Consent remembered per person and client: the scopes they agreed to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, select

from monban.db.tables import oidc_consents

_GET = select(oidc_consents.c.scopes).where(
    (oidc_consents.c.account_id == bindparam("a")) & (oidc_consents.c.client_id == bindparam("c")))
_DELETE = delete(oidc_consents).where(
    (oidc_consents.c.account_id == bindparam("a")) & (oidc_consents.c.client_id == bindparam("c")))
_INSERT = oidc_consents.insert()


def granted(conn: Connection, account_id: str, client_id: str) -> frozenset[str]:
    value = conn.execute(_GET, {"a": account_id, "c": client_id}).scalar()
    return frozenset(value or ())


def remember(conn: Connection, account_id: str, client_id: str, scopes: frozenset[str],
             now: datetime) -> None:
    """Adds `scopes` to what was agreed before (in one transaction: delete then insert)."""
    merged = sorted(granted(conn, account_id, client_id) | scopes)
    conn.execute(_DELETE, {"a": account_id, "c": client_id})
    conn.execute(_INSERT, {"account_id": account_id, "client_id": client_id, "scopes": merged,
                           "granted_at": now})
