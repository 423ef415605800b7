"""Backup verification codes: keyed hashes only (crypto/code_hash.py), each bound to the
backup-code factor row it belongs to (`factor_id`, ON DELETE CASCADE): a code answers only
through that row and is gone with it, so removing the factor ends every code it had.

Redeeming is one UPDATE that sets used_at only where it is still NULL: of any number of
racing redemptions of one code exactly one changes the row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, func, select, update

from monban.db.tables import accounts, backup_codes, factors
from monban.factors.base import FactorRecord
from monban.store.factors import from_row
from monban.store.ids import new_id

KIND = "backup_code"


def lock_account(conn: Connection, account_id: str) -> None:
    """Serialise set replacements for one account (PostgreSQL; SQLite writes are serial)."""
    conn.execute(select(accounts.c.id).where(accounts.c.id == account_id).with_for_update())


def factor_for(conn: Connection, account_id: str, *, lock: bool = False) -> FactorRecord | None:
    """The account's one backup-code factor row, if it has one."""
    query = (select(factors).where((factors.c.account_id == account_id)
                                   & (factors.c.kind == KIND))
             .order_by(factors.c.created_at).limit(1))
    row = conn.execute(query.with_for_update() if lock else query).first()
    return from_row(row) if row is not None else None


def replace_set(conn: Connection, factor: FactorRecord, set_id: str, hashes: Sequence[str],
                now: datetime) -> None:
    """Delete every earlier code of the factor (the person's own and any issued by staff)
    and store the new set under it."""
    forget(conn, factor.id)
    conn.execute(backup_codes.insert(), [
        {"id": new_id(), "account_id": factor.account_id, "factor_id": factor.id,
         "set_id": set_id, "code_hash": h, "created_at": now, "used_at": None}
        for h in hashes])


def add(conn: Connection, factor: FactorRecord, set_id: str, code_hash: str,
        now: datetime) -> None:
    """One more code beside the factor's others (a code issued by staff)."""
    conn.execute(backup_codes.insert().values(
        id=new_id(), account_id=factor.account_id, factor_id=factor.id, set_id=set_id,
        code_hash=code_hash, created_at=now, used_at=None))


def redeem(conn: Connection, factor_id: str, code_hash: str, now: datetime) -> bool:
    """Spend the code in one statement; False when it is unknown, spent, or belongs to
    another factor row (one that was removed, whatever the account has now)."""
    result = conn.execute(update(backup_codes).where(
        (backup_codes.c.factor_id == factor_id) & (backup_codes.c.code_hash == code_hash)
        & backup_codes.c.used_at.is_(None)).values(used_at=now))
    return result.rowcount == 1


def remaining(conn: Connection, factor_id: str) -> int:
    count = conn.execute(select(func.count()).select_from(backup_codes).where(
        (backup_codes.c.factor_id == factor_id) & backup_codes.c.used_at.is_(None))).scalar()
    return int(count or 0)


def forget(conn: Connection, factor_id: str) -> int:
    """Delete every code of the factor (its removal; the foreign key's cascade does the same
    when the row is deleted some other way)."""
    return int(conn.execute(delete(backup_codes).where(
        backup_codes.c.factor_id == factor_id)).rowcount)
