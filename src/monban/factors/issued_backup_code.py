"""A single backup verification code issued by staff (an org admin, or support after an
approved request): one 12-digit code in a set of its own, added beside the person's own
codes (their set is not cancelled), bound to the account's "backup_code" factor row (made if
it has none, so the sign-in's second step offers it) and removed with it. It is redeemed by
the ordinary backup-code factor (factors/backup_codes.py): once, by one atomic UPDATE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete

from monban.crypto.code_hash import CodeHasher
from monban.db.tables import backup_codes
from monban.factors.backup_codes import DEFAULT_NAME, PURPOSE, BackupCodeFactor, new_code
from monban.factors.base import FactorRecord
from monban.store import backup_codes as code_store
from monban.store import factors as factor_store
from monban.store.ids import new_id


def issue(conn: Connection, codes: CodeHasher, account_id: str, set_id: str,
          now: datetime, issued_by: str) -> str:
    """Store one new code for the account under `set_id`, bound to its backup-code factor
    (made if it has none); the plain code, to be handed over (`issued_by`: "admin" or
    "support", kept on a factor row this creates)."""
    code_store.lock_account(conn, account_id)
    factor = _factor(conn, account_id, now, issued_by)
    code = new_code()
    code_store.add(conn, factor, set_id, codes.digest(PURPOSE, code), now)
    _count(conn, factor)
    return code


def withdraw(conn: Connection, account_id: str, set_id: str, now: datetime) -> int:
    """Delete the code of `set_id` if it is still unused (delivery failed, or it expired)."""
    gone = conn.execute(delete(backup_codes).where(
        (backup_codes.c.account_id == account_id) & (backup_codes.c.set_id == set_id)
        & backup_codes.c.used_at.is_(None))).rowcount
    factor = code_store.factor_for(conn, account_id, lock=True)
    if gone and factor is not None:
        _count(conn, factor)
    return int(gone)


def _factor(conn: Connection, account_id: str, now: datetime, issued_by: str) -> FactorRecord:
    """The account's backup-code factor row, made if missing."""
    existing = code_store.factor_for(conn, account_id, lock=True)
    if existing is not None:
        return existing
    record = FactorRecord(
        id=new_id(), account_id=account_id, kind=BackupCodeFactor.kind, name=DEFAULT_NAME,
        target=None, secret=None, credential_id=None,
        data={"remaining": 0, "issued_by": issued_by}, preferred=False,
        created_at=now, last_used_at=None)
    factor_store.insert(conn, record)
    return record


def _count(conn: Connection, factor: FactorRecord) -> None:
    """Keep the factor row's count of remaining codes right."""
    factor_store.update_data(conn, factor.id, data={
        **factor.data, "remaining": code_store.remaining(conn, factor.id)})
