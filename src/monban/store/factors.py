"""Enrolled factors and pending enrollments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from monban.db.tables import factor_enrollments, factors
from monban.errors import CatalogueError
from monban.factors.base import FactorRecord


def from_row(row: Row[Any]) -> FactorRecord:
    m = row._mapping
    return FactorRecord(id=m["id"], account_id=m["account_id"], kind=m["kind"], name=m["name"],
                        target=m["target"], secret=m["secret"],
                        credential_id=m["credential_id"], data=dict(m["data"] or {}),
                        preferred=m["preferred"], created_at=m["created_at"],
                        last_used_at=m["last_used_at"])


_FOR = (select(factors).where(factors.c.account_id == bindparam("a"))
        .order_by(factors.c.created_at))


def list_for(conn: Connection, account_id: str) -> Sequence[FactorRecord]:
    rows = conn.execute(_FOR, {"a": account_id})
    return [from_row(row) for row in rows]


_GET = select(factors).where((factors.c.id == bindparam("f"))
                             & (factors.c.account_id == bindparam("a")))
_UPDATE: dict[tuple[str, ...], Any] = {}


def get(conn: Connection, account_id: str, factor_id: str) -> FactorRecord | None:
    row = conn.execute(_GET, {"f": factor_id, "a": account_id}).first()
    return from_row(row) if row else None


def by_credential(conn: Connection, credential_id: str, *, lock: bool = False
                  ) -> FactorRecord | None:
    """lock: hold the row until the transaction ends (PostgreSQL; SQLite writers are serial),
    so a read-check-write of its data cannot interleave with another node's."""
    query = select(factors).where(factors.c.credential_id == credential_id)
    row = conn.execute(query.with_for_update() if lock else query).first()
    return from_row(row) if row else None


def insert(conn: Connection, record: FactorRecord) -> None:
    try:
        with conn.begin_nested():
            conn.execute(factors.insert().values(
                id=record.id, account_id=record.account_id, kind=record.kind,
                name=record.name, target=record.target, secret=record.secret,
                credential_id=record.credential_id, data=record.data,
                preferred=record.preferred, created_at=record.created_at,
                last_used_at=record.last_used_at))
    except IntegrityError as exc:
        raise CatalogueError("IDENTIFIER_TAKEN", detail={"field": "credential"}) from exc


def update_data(conn: Connection, factor_id: str, **values: Any) -> None:
    shape = tuple(sorted(values))
    statement = _UPDATE.get(shape)
    if statement is None:
        statement = _UPDATE[shape] = update(factors).where(
            factors.c.id == bindparam("f")).values(**{k: bindparam(f"v_{k}") for k in shape})
    conn.execute(statement, {"f": factor_id, **{f"v_{k}": v for k, v in values.items()}})


def remove(conn: Connection, account_id: str, factor_id: str) -> bool:
    result = conn.execute(delete(factors).where(
        (factors.c.id == factor_id) & (factors.c.account_id == account_id)))
    return result.rowcount == 1


def set_preferred(conn: Connection, account_id: str, factor_id: str) -> bool:
    conn.execute(update(factors).where(factors.c.account_id == account_id)
                 .values(preferred=factors.c.id == factor_id))
    return get(conn, account_id, factor_id) is not None


# Pending enrollments -------------------------------------------------------------------

def start_enrollment(conn: Connection, **values: Any) -> None:
    conn.execute(factor_enrollments.insert().values(**values))


def take_enrollment(conn: Connection, enrollment_id: str, account_id: str, kind: str,
                    now: datetime) -> dict[str, Any] | None:
    """The pending enrollment, deleted in the same transaction: one confirm only."""
    found = peek_enrollment(conn, enrollment_id, account_id, kind, now)
    if found is None:
        return None
    gone = conn.execute(delete(factor_enrollments).where(
        factor_enrollments.c.id == enrollment_id)).rowcount
    return found if gone == 1 else None


def peek_enrollment(conn: Connection, enrollment_id: str, account_id: str, kind: str,
                    now: datetime) -> dict[str, Any] | None:
    row = conn.execute(select(factor_enrollments).where(
        (factor_enrollments.c.id == enrollment_id)
        & (factor_enrollments.c.account_id == account_id)
        & (factor_enrollments.c.kind == kind)
        & (factor_enrollments.c.expires_at > now))).first()
    return dict(row._mapping) if row else None
