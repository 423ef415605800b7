"""App-specific passwords: rows keyed by the keyed hash of the password (never the password)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from monban.db.tables import app_passwords


@dataclass(frozen=True, slots=True)
class AppPassword:
    id: str
    account_id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    last_used_protocol: str | None
    last_used_ip: str | None


_COLUMNS = (app_passwords.c.id, app_passwords.c.account_id, app_passwords.c.name,
            app_passwords.c.created_at, app_passwords.c.last_used_at,
            app_passwords.c.last_used_protocol, app_passwords.c.last_used_ip)
_LIVE = app_passwords.c.revoked_at.is_(None)
_LIST = (select(*_COLUMNS)
         .where((app_passwords.c.account_id == bindparam("a")) & _LIVE)
         .order_by(app_passwords.c.created_at, app_passwords.c.id))
_COUNT_LIVE = select(app_passwords.c.id).where((app_passwords.c.account_id == bindparam("a"))
                                               & _LIVE)
# Finding and crediting the password is one statement: a revoked one never matches.
_USE = (update(app_passwords)
        .where((app_passwords.c.account_id == bindparam("a"))
               & (app_passwords.c.digest == bindparam("d")) & _LIVE)
        .values(last_used_at=bindparam("now"), last_used_protocol=bindparam("protocol"),
                last_used_ip=bindparam("ip"))
        .returning(*_COLUMNS))
_REVOKE = (update(app_passwords)
           .where((app_passwords.c.account_id == bindparam("a"))
                  & (app_passwords.c.id == bindparam("i")) & _LIVE)
           .values(revoked_at=bindparam("now")))
_REVOKE_ALL = (update(app_passwords)
               .where((app_passwords.c.account_id == bindparam("a")) & _LIVE)
               .values(revoked_at=bindparam("now")))


def _row(row: Any) -> AppPassword:
    m = row._mapping
    return AppPassword(id=m["id"], account_id=m["account_id"], name=m["name"],
                       created_at=m["created_at"], last_used_at=m["last_used_at"],
                       last_used_protocol=m["last_used_protocol"],
                       last_used_ip=m["last_used_ip"])


def insert(conn: Connection, password: AppPassword, digest: str) -> None:
    conn.execute(app_passwords.insert().values(
        id=password.id, account_id=password.account_id, name=password.name, digest=digest,
        created_at=password.created_at))


def list_for(conn: Connection, account_id: str) -> list[AppPassword]:
    return [_row(row) for row in conn.execute(_LIST, {"a": account_id})]


def live_count(conn: Connection, account_id: str) -> int:
    return len(conn.execute(_COUNT_LIVE, {"a": account_id}).all())


def use(conn: Connection, account_id: str, digest: str, now: datetime, protocol: str,
        ip: str) -> AppPassword | None:
    row = conn.execute(_USE, {"a": account_id, "d": digest, "now": now,
                              "protocol": protocol, "ip": ip}).first()
    return _row(row) if row else None


def revoke(conn: Connection, account_id: str, password_id: str, now: datetime) -> bool:
    return conn.execute(_REVOKE, {"a": account_id, "i": password_id, "now": now}).rowcount == 1


def revoke_all(conn: Connection, account_id: str, now: datetime) -> int:
    return conn.execute(_REVOKE_ALL, {"a": account_id, "now": now}).rowcount

