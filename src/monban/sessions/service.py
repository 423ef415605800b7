"""Authenticating a session token, and the session list a person or an admin sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from monban.accounts.model import Account, Org
from monban.accounts.org_settings import DEFAULT_SETTINGS, OrgSettings
from monban.admin.authorization import Action, Target, authorize
from monban.clock import Clock
from monban.db.database import Database
from monban.sessions import lifetime
from monban.store import accounts, audit, orgs, sessions
from monban.store.ids import token_digest

TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Authenticated:
    session: sessions.Session
    account: Account
    org: Org | None

    @property
    def settings(self) -> OrgSettings:
        return self.org.settings if self.org else DEFAULT_SETTINGS


class SessionService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def authenticate(self, token: str | None) -> Authenticated | None:
        """The live session behind a token, or None (unknown, ended, expired or idle)."""
        if not token or len(token) > 100:
            return None
        now = self._clock.now()
        found = await self._db.run(_load, token_digest(token), write=False)
        if found is None:
            return None
        auth: Authenticated = found
        session = auth.session
        if not lifetime.is_live(session, auth.settings, now):
            return None
        if auth.account.disabled:
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            await self._db.run(sessions.touch, session.id, now)
        return auth

    async def list_live(self, account: Account, settings: OrgSettings
                        ) -> list[sessions.Session]:
        now = self._clock.now()
        return list(await self._db.run(sessions.list_live, account.id, now,
                                       lifetime.idle_cutoff(settings, now), write=False))

    async def end(self, account: Account, session_id: str, actor: Account, ip: str) -> bool:
        _may_end(actor, account)
        return await self._db.run(_end_one, account, session_id, actor, ip, self._clock.now())

    async def end_others(self, account: Account, keep_id: str | None, actor: Account,
                         ip: str) -> int:
        _may_end(actor, account)
        return await self._db.run(_end_others, account, keep_id, actor, ip, self._clock.now())


def _load(conn: Connection, session_id: str) -> Authenticated | None:
    session = sessions.get(conn, session_id)
    if session is None:
        return None
    account = accounts.get(conn, session.account_id)
    if account is None:
        return None
    org = orgs.get(conn, account.org_id) if account.org_id else None
    return Authenticated(session, account, org)


def _may_end(actor: Account, account: Account) -> None:
    """Their own sessions, anyone; someone else's: admin/authorization.py decides."""
    if actor.id != account.id:
        authorize(actor, Action.END_SESSIONS, Target.of(account))


def _end_one(conn: Connection, account: Account, session_id: str, actor: Account, ip: str,
             now: datetime) -> bool:
    ended = sessions.end(conn, account.id, session_id, now)
    if ended:
        _audit(conn, "session.ended", account, actor, ip, now, {"session": session_id[:12]})
    return ended


def _end_others(conn: Connection, account: Account, keep_id: str | None, actor: Account,
                ip: str, now: datetime) -> int:
    count = sessions.end_all(conn, account.id, now, except_id=keep_id)
    _audit(conn, "session.ended_others", account, actor, ip, now, {"count": count})
    return count


def _audit(conn: Connection, event: str, account: Account, actor: Account, ip: str,
           now: datetime, detail: dict[str, Any]) -> None:
    audit.record(conn, audit.AuditEvent(
        at=now, event=event, outcome="success", account_id=account.id, org_id=account.org_id,
        actor_id=actor.id, ip=ip, detail=detail))
