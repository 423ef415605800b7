"""App-specific passwords: named, shown once, revocable one by one, good only for mail
protocols. Sixteen random lowercase letters (about 75 bits), shown in groups of four like
"abcd efgh ijkl mnop"; stored as a keyed hash (crypto/code_hash.py), so a mail server's
frequent logins cost one HMAC, not an Argon2 run: a random 75-bit secret needs no slow hash."""

from __future__ import annotations

import secrets
import string
from datetime import datetime

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.clock import Clock
from monban.crypto.code_hash import CodeHasher
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.store import app_passwords as store
from monban.store import audit
from monban.store.app_passwords import AppPassword
from monban.store.ids import new_id

PURPOSE = "app_password"
LENGTH = 16
MAX_LIVE = 25
"""Live app passwords per account; more is a sign of something wrong, not of many clients."""
MAX_NAME = 100


def generate() -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(LENGTH))


def shown(password: str) -> str:
    """How the password is shown once: four groups of four (spaces are ignored on use)."""
    return " ".join(password[i:i + 4] for i in range(0, len(password), 4))


def looks_like_one(secret: str) -> bool:
    letters = "".join(secret.split())
    return len(letters) == LENGTH and letters.isascii() and letters.isalpha()


class AppPasswords:
    def __init__(self, db: Database, clock: Clock, codes: CodeHasher) -> None:
        self._db, self._clock, self._codes = db, clock, codes

    def digest(self, secret: str) -> str:
        return self._codes.digest(PURPOSE, "".join(secret.split()).lower())

    async def create(self, account: Account, name: str, *, actor_id: str | None,
                     ip: str | None) -> tuple[AppPassword, str]:
        """A new app password and its text, which is never stored and never shown again."""
        name = " ".join(name.split())
        if not name or len(name) > MAX_NAME:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "name",
                                                         "problem": "1 to 100 characters"})
        password = generate()
        record = AppPassword(id=new_id(), account_id=account.id, name=name,
                             created_at=self._clock.now(), last_used_at=None,
                             last_used_protocol=None, last_used_ip=None)
        await self._db.run(_create, account, record, self.digest(password), actor_id, ip)
        return record, shown(password)

    async def list(self, account: Account) -> list[AppPassword]:
        return await self._db.run(store.list_for, account.id, write=False)

    async def revoke(self, account: Account, password_id: str, *, actor_id: str | None,
                     ip: str | None) -> bool:
        return await self._db.run(_revoke, account, password_id, self._clock.now(), actor_id,
                                  ip)


def _create(conn: Connection, account: Account, record: AppPassword, digest: str,
            actor_id: str | None, ip: str | None) -> None:
    if store.live_count(conn, account.id) >= MAX_LIVE:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "name",
                                                     "problem": f"at most {MAX_LIVE} live "
                                                                "app passwords"})
    store.insert(conn, record, digest)
    audit.record(conn, audit.AuditEvent(
        at=record.created_at, event="app_password.created", outcome="success",
        account_id=account.id, org_id=account.org_id, actor_id=actor_id, ip=ip,
        detail={"app_password_id": record.id, "name": record.name}))


def _revoke(conn: Connection, account: Account, password_id: str, now: datetime,
            actor_id: str | None, ip: str | None) -> bool:
    if not store.revoke(conn, account.id, password_id, now):
        return False
    audit.record(conn, audit.AuditEvent(
        at=now, event="app_password.revoked", outcome="success", account_id=account.id,
        org_id=account.org_id, actor_id=actor_id, ip=ip,
        detail={"app_password_id": password_id}))
    return True
