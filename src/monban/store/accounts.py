"""Accounts: lookup by id or identifier, insert, and the few fields that change.

The gate every write of an account passes: identifiers are stored only in their normal form,
and a new one must be admitted (accounts/identifiers.py: NFKC, case, IDNA, E.164, UTS #39);
display names only as accounts/display_names.py allows. A lookup normalises what it is given,
so no caller can miss the stored form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from monban.accounts import display_names
from monban.accounts.identifiers import KINDS, Identifier, admit, normalise
from monban.accounts.model import Account, Role
from monban.db.tables import accounts
from monban.errors import CatalogueError


def from_row(row: Row[Any]) -> Account:
    m = row._mapping
    return Account(
        id=m["id"], org_id=m["org_id"], role=Role(m["role"]) if m["role"] else None,
        email=m["email"], phone=m["phone"], username=m["username"],
        display_name=m["display_name"], language=m["language"], timezone=m["timezone"],
        password_hash=m["password_hash"], password_changed_at=m["password_changed_at"],
        disabled=m["disabled"], is_superadmin=m["is_superadmin"], created_at=m["created_at"],
        must_change_password=bool(m["must_change_password"]),
        must_enroll_mfa=bool(m["must_enroll_mfa"]),
    )


# Built once: constructing a statement costs ten times more than running it.
_BY = {name: select(accounts).where(accounts.c[name] == bindparam("v"))
       for name in ("id", "email", "phone", "username")}
_LOCK = select(accounts.c.id).where(accounts.c.id == bindparam("v")).with_for_update()


def get(conn: Connection, account_id: str) -> Account | None:
    row = conn.execute(_BY["id"], {"v": account_id}).first()
    return from_row(row) if row else None


def find(conn: Connection, identifier: Identifier) -> Account | None:
    try:
        value = normalise(identifier.kind, identifier.value)
    except CatalogueError:
        return None
    row = conn.execute(_BY[identifier.kind], {"v": value}).first()
    return from_row(row) if row else None


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """`values` with new identifiers admitted and normalised and the display name checked."""
    out = dict(values)
    for kind in KINDS:
        if out.get(kind):
            out[kind] = admit(kind, out[kind])
    if "display_name" in out:
        out["display_name"] = display_names.check(out["display_name"])
    return out


def insert(conn: Connection, account: Account) -> None:
    try:
        with conn.begin_nested():
            conn.execute(accounts.insert().values(**_checked(dict(
                id=account.id, org_id=account.org_id,
                role=account.role.value if account.role else None,
                email=account.email, phone=account.phone, username=account.username,
                display_name=account.display_name, language=account.language,
                timezone=account.timezone, password_hash=account.password_hash,
                password_changed_at=account.password_changed_at, disabled=account.disabled,
                is_superadmin=account.is_superadmin, created_at=account.created_at,
            ))))
    except IntegrityError as exc:
        raise CatalogueError("IDENTIFIER_TAKEN") from exc


def update_fields(conn: Connection, account_id: str, **values: Any) -> None:
    values = _checked(values)
    try:
        with conn.begin_nested():
            result = conn.execute(
                update(accounts).where(accounts.c.id == account_id).values(**values))
    except IntegrityError as exc:
        raise CatalogueError("IDENTIFIER_TAKEN") from exc
    if result.rowcount != 1:
        raise CatalogueError("NOT_FOUND")


def set_password_hash(conn: Connection, account_id: str, password_hash: str,
                      changed_at: datetime | None) -> None:
    values: dict[str, Any] = {"password_hash": password_hash}
    if changed_at is not None:
        values["password_changed_at"] = changed_at
    conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values))


def lock(conn: Connection, account_id: str) -> None:
    """Serialise writers of one account's sessions (a row lock on PostgreSQL; SQLite's write
    transactions are serial already)."""
    conn.execute(_LOCK, {"v": account_id})


def other_owners(conn: Connection, org_id: str, account_id: str) -> int:
    """Enabled owners of the org besides `account_id`, their rows locked (FOR UPDATE, on
    PostgreSQL) until the transaction ends, so two owners demoting each other at once
    cannot leave the org without one."""
    rows = conn.execute(select(accounts.c.id).where(
        accounts.c.org_id == org_id, accounts.c.role == Role.OWNER.value,
        accounts.c.disabled.is_(False)).order_by(accounts.c.id).with_for_update()).all()
    return sum(1 for row in rows if row[0] != account_id)


def list_for_org(conn: Connection, org_id: str | None) -> Sequence[Account]:
    query = select(accounts).order_by(accounts.c.created_at)
    query = query.where(accounts.c.org_id == org_id if org_id else accounts.c.org_id.is_(None))
    return [from_row(row) for row in conn.execute(query)]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(accounts)).scalar_one())
