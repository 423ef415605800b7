"""Recovery contacts: the email addresses and mobile numbers a person can get a code at when
they cannot sign in. One row per (account, channel, target); a contact counts only once a
code sent to it was typed back (verified_at set)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from monban.db.tables import otp_challenges
from monban.db.tables import recovery_contacts as t
from monban.errors import CatalogueError

CHANNELS = ("email", "sms")
MAX_PER_ACCOUNT = 10


@dataclass(frozen=True, slots=True)
class RecoveryContact:
    id: str
    account_id: str
    channel: str
    """email | sms"""
    target: str
    """The normalised address or the E.164 number."""
    verified_at: datetime | None
    created_at: datetime

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


def _from(row: Row[Any]) -> RecoveryContact:
    return RecoveryContact(**{name: row._mapping[name] for name in RecoveryContact.__slots__})


def list_for(conn: Connection, account_id: str, *, verified_only: bool = False
             ) -> Sequence[RecoveryContact]:
    query = select(t).where(t.c.account_id == account_id)
    if verified_only:
        query = query.where(t.c.verified_at.is_not(None))
    return [_from(row) for row in conn.execute(query.order_by(t.c.created_at, t.c.id))]


def get(conn: Connection, account_id: str, contact_id: str) -> RecoveryContact | None:
    row = conn.execute(select(t).where((t.c.id == contact_id)
                                       & (t.c.account_id == account_id))).first()
    return _from(row) if row else None


def find(conn: Connection, account_id: str, channel: str, target: str
         ) -> RecoveryContact | None:
    row = conn.execute(select(t).where((t.c.account_id == account_id) & (t.c.channel == channel)
                                       & (t.c.target == target))).first()
    return _from(row) if row else None


def add(conn: Connection, contact: RecoveryContact) -> RecoveryContact:
    """Insert an unverified contact; the same (channel, target) again returns the stored row
    (IDENTIFIER_TAKEN once it is verified)."""
    existing = find(conn, contact.account_id, contact.channel, contact.target)
    if existing is not None:
        if existing.verified:
            raise CatalogueError("IDENTIFIER_TAKEN", detail={"field": contact.channel})
        return existing
    count = conn.execute(select(func.count()).select_from(t)
                         .where(t.c.account_id == contact.account_id)).scalar_one()
    if int(count) >= MAX_PER_ACCOUNT:
        raise CatalogueError("INVALID_REQUEST", detail={"max_contacts": MAX_PER_ACCOUNT})
    try:
        with conn.begin_nested():
            conn.execute(t.insert().values(
                id=contact.id, account_id=contact.account_id, channel=contact.channel,
                target=contact.target, verified_at=None, created_at=contact.created_at))
    except IntegrityError as exc:  # a concurrent add of the same contact
        raise CatalogueError("IDENTIFIER_TAKEN", detail={"field": contact.channel}) from exc
    return contact


def mark_verified(conn: Connection, account_id: str, contact_id: str, now: datetime) -> bool:
    return conn.execute(update(t).where(
        (t.c.id == contact_id) & (t.c.account_id == account_id) & t.c.verified_at.is_(None))
        .values(verified_at=now)).rowcount == 1


def remove(conn: Connection, account_id: str, contact_id: str) -> bool:
    return conn.execute(delete(t).where(
        (t.c.id == contact_id) & (t.c.account_id == account_id))).rowcount == 1


def recent_codes(conn: Connection, account_id: str, purpose: str, since: datetime
                 ) -> list[datetime]:
    """When codes of this purpose went to the account since `since`, oldest first (the hourly
    cap on recovery codes, so nobody can flood a person's phone or mailbox)."""
    return list(conn.execute(select(otp_challenges.c.created_at).where(
        (otp_challenges.c.account_id == account_id) & (otp_challenges.c.purpose == purpose)
        & (otp_challenges.c.created_at >= since))
        .order_by(otp_challenges.c.created_at)).scalars())
