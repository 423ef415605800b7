"""Grants (one per sign-in of a person to a client: the refresh-token family), authorization
codes and refresh tokens. Codes and refresh tokens are stored as their SHA-256 only and are
consumed by one atomic UPDATE ... WHERE used_at IS NULL RETURNING, so of a hundred parallel
redemptions exactly one gets a row back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from monban.accounts.model import Account
from monban.db.tables import (
    accounts,
    oidc_assertions,
    oidc_codes,
    oidc_grants,
    oidc_refresh_tokens,
)
from monban.store.accounts import from_row as account_from_row


@dataclass(frozen=True, slots=True)
class Grant:
    id: str
    client_id: str
    account_id: str | None
    session_id: str | None
    scope: str
    auth_time: datetime | None
    amr: str
    acr: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StoredCode:
    digest: str
    grant_id: str
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str | None
    expires_at: datetime
    used_at: datetime | None = None


_GRANT = select(oidc_grants).where(oidc_grants.c.id == bindparam("v"))
_GRANT_COLUMNS = [c.label(f"g_{c.name}") for c in oidc_grants.c]
_GRANT_AND_ACCOUNT = select(*_GRANT_COLUMNS, accounts).join(
    accounts, accounts.c.id == oidc_grants.c.account_id).where(oidc_grants.c.id == bindparam("v"))
_GRANT_REVOKED = select(oidc_grants.c.revoked_at).where(oidc_grants.c.id == bindparam("v"))
_INSERT_GRANT = oidc_grants.insert()
_REVOKE_GRANT = update(oidc_grants).where(
    (oidc_grants.c.id == bindparam("v")) & oidc_grants.c.revoked_at.is_(None)
).values(revoked_at=bindparam("now"))
_INSERT_CODE = oidc_codes.insert()
_TAKE_CODE = update(oidc_codes).where(
    (oidc_codes.c.digest == bindparam("d")) & oidc_codes.c.used_at.is_(None)
).values(used_at=bindparam("now")).returning(*oidc_codes.c)
_CODE_GRANT = select(oidc_codes.c.grant_id).where(oidc_codes.c.digest == bindparam("d"))
_INSERT_REFRESH = oidc_refresh_tokens.insert()
_TAKE_REFRESH = update(oidc_refresh_tokens).where(
    (oidc_refresh_tokens.c.digest == bindparam("d")) & oidc_refresh_tokens.c.used_at.is_(None)
).values(used_at=bindparam("now")).returning(oidc_refresh_tokens.c.grant_id,
                                             oidc_refresh_tokens.c.expires_at)
_REFRESH = select(oidc_refresh_tokens).where(oidc_refresh_tokens.c.digest == bindparam("d"))


def insert_grant(conn: Connection, grant: Grant) -> None:
    conn.execute(_INSERT_GRANT, {name: getattr(grant, name) for name in Grant.__slots__})


def get_grant(conn: Connection, grant_id: str) -> Grant | None:
    row = conn.execute(_GRANT, {"v": grant_id}).first()
    return Grant(**row._mapping) if row else None


def grant_and_account(conn: Connection, grant_id: str) -> tuple[Grant, Account] | None:
    """A person's grant and their account, in one statement (the refresh hot path)."""
    row = conn.execute(_GRANT_AND_ACCOUNT, {"v": grant_id}).first()
    if row is None:
        return None
    m = row._mapping
    grant = Grant(**{name: m[f"g_{name}"] for name in Grant.__slots__})
    return grant, account_from_row(row)  # type: ignore[arg-type]


def grant_alive(conn: Connection, grant_id: str) -> bool:
    row = conn.execute(_GRANT_REVOKED, {"v": grant_id}).first()
    return row is not None and row[0] is None


def revoke_grant(conn: Connection, grant_id: str, now: datetime) -> bool:
    return conn.execute(_REVOKE_GRANT, {"v": grant_id, "now": now}).rowcount == 1


def insert_code(conn: Connection, code: StoredCode) -> None:
    conn.execute(_INSERT_CODE, {name: getattr(code, name) for name in StoredCode.__slots__})


def take_code(conn: Connection, digest: str, now: datetime) -> StoredCode | None:
    row = conn.execute(_TAKE_CODE, {"d": digest, "now": now}).first()
    return StoredCode(**row._mapping) if row else None


def grant_of_code(conn: Connection, digest: str) -> str | None:
    value: str | None = conn.execute(_CODE_GRANT, {"d": digest}).scalar()
    return value


def insert_refresh(conn: Connection, digest: str, grant_id: str, now: datetime,
                   expires_at: datetime) -> None:
    conn.execute(_INSERT_REFRESH, {"digest": digest, "grant_id": grant_id, "created_at": now,
                                   "expires_at": expires_at, "used_at": None})


def take_refresh(conn: Connection, digest: str, now: datetime
                 ) -> tuple[str, datetime] | None:
    row = conn.execute(_TAKE_REFRESH, {"d": digest, "now": now}).first()
    return (row[0], row[1]) if row else None


def refresh(conn: Connection, digest: str) -> dict[str, Any] | None:
    row = conn.execute(_REFRESH, {"d": digest}).first()
    return dict(row._mapping) if row else None


def sweep(conn: Connection, before: datetime) -> int:
    """Housekeeping: codes and refresh tokens that expired before `before`."""
    from sqlalchemy import delete

    codes = conn.execute(delete(oidc_codes).where(oidc_codes.c.expires_at < before)).rowcount
    tokens = conn.execute(delete(oidc_refresh_tokens).where(
        oidc_refresh_tokens.c.expires_at < before)).rowcount
    seen = conn.execute(delete(oidc_assertions).where(
        oidc_assertions.c.expires_at < before)).rowcount
    return int(codes) + int(tokens) + int(seen)


_REMEMBER_ASSERTION = oidc_assertions.insert()


def remember_assertion(conn: Connection, client_id: str, jti: str, expires_at: datetime) -> bool:
    """True the first time (client, jti) is seen; False for a replayed assertion (the
    primary key refuses the second insert, even from two nodes at once)."""
    from sqlalchemy.exc import IntegrityError

    try:
        with conn.begin_nested():
            conn.execute(_REMEMBER_ASSERTION, {"client_id": client_id, "jti": jti,
                                               "expires_at": expires_at})
    except IntegrityError:
        return False
    return True
