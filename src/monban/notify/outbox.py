"""The development outbox: messages kept in the database instead of sent (`monban outbox`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from monban.clock import Clock
from monban.db.database import Database
from monban.db.tables import outbox


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    channel: str
    target: str
    subject: str
    body: str
    created_at: datetime


class Outbox:
    """Both an SmsSender and an EmailSender."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def send_sms(self, to: str, text: str) -> None:
        await self._db.run(_put, "sms", to, "", text, self._clock.now())

    async def send_email(self, to: str, subject: str, body: str) -> None:
        await self._db.run(_put, "email", to, subject, body, self._clock.now())

    async def latest(self, limit: int = 20, target: str | None = None
                     ) -> Sequence[OutboxMessage]:
        return await self._db.run(_latest, limit, target, write=False)


def _put(conn: Connection, channel: str, target: str, subject: str, body: str,
         now: datetime) -> None:
    conn.execute(outbox.insert().values(channel=channel, target=target, subject=subject,
                                        body=body, created_at=now))


def _latest(conn: Connection, limit: int, target: str | None) -> Sequence[OutboxMessage]:
    query = select(outbox).order_by(outbox.c.id.desc()).limit(limit)
    if target:
        query = query.where(outbox.c.target == target)
    return [OutboxMessage(**row._mapping) for row in conn.execute(query)]
