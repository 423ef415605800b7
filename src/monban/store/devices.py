"""Linked authenticator devices, their one-time link codes, the nonces of their signed
requests, and the sign-in restriction they switch (issue #4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from monban.db.tables import (
    authenticator_devices,
    authenticator_links,
    device_nonces,
    signin_restrictions,
)


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    account_id: str
    name: str
    platform: str
    app_version: str
    public_key: str
    totp_factor_id: str | None
    created_at: datetime
    last_seen_at: datetime


def _device(row: Row[Any]) -> Device:
    return Device(**row._mapping)


# Link codes ---------------------------------------------------------------------------

def add_link(conn: Connection, id: str, account_id: str, code_hash: str, now: datetime,
             expires_at: datetime) -> None:
    conn.execute(insert(authenticator_links).values(
        id=id, account_id=account_id, code_hash=code_hash, created_at=now,
        expires_at=expires_at, used_at=None))


_TAKE_LINK = (update(authenticator_links)
              .where((authenticator_links.c.code_hash == bindparam("h"))
                     & authenticator_links.c.used_at.is_(None)
                     & (authenticator_links.c.expires_at > bindparam("now")))
              .values(used_at=bindparam("now")))
_LINK_ACCOUNT = select(authenticator_links.c.account_id).where(
    authenticator_links.c.code_hash == bindparam("h"))


def take_link(conn: Connection, code_hash: str, now: datetime) -> str | None:
    """Spend a link code (one statement: of racing devices one wins); its account id."""
    if conn.execute(_TAKE_LINK, {"h": code_hash, "now": now}).rowcount != 1:
        return None
    account_id: str | None = conn.execute(_LINK_ACCOUNT, {"h": code_hash}).scalar()
    return account_id


def link_used_by(conn: Connection, code_hash: str, device_id: str) -> None:
    conn.execute(update(authenticator_links).where(authenticator_links.c.code_hash == code_hash)
                 .values(device_id=device_id))


def linked_device(conn: Connection, link_id: str, account_id: str) -> str | None:
    """The device that used this link (None while no app has used it)."""
    row = conn.execute(select(authenticator_links.c.device_id).where(
        (authenticator_links.c.id == link_id)
        & (authenticator_links.c.account_id == account_id))).first()
    return str(row[0]) if row and row[0] else None


def peek_link(conn: Connection, code_hash: str, now: datetime) -> str | None:
    row = conn.execute(select(authenticator_links.c.account_id).where(
        (authenticator_links.c.code_hash == code_hash) & authenticator_links.c.used_at.is_(None)
        & (authenticator_links.c.expires_at > now))).first()
    return str(row[0]) if row else None


# Devices ------------------------------------------------------------------------------

def add_device(conn: Connection, device: Device) -> bool:
    try:
        with conn.begin_nested():
            conn.execute(insert(authenticator_devices).values(
                {name: getattr(device, name) for name in Device.__slots__}))
    except IntegrityError:
        return False
    return True


_GET = select(authenticator_devices).where(authenticator_devices.c.id == bindparam("d"))


def get(conn: Connection, device_id: str) -> Device | None:
    row = conn.execute(_GET, {"d": device_id}).first()
    return _device(row) if row else None


def list_for(conn: Connection, account_id: str) -> Sequence[Device]:
    rows = conn.execute(select(authenticator_devices)
                        .where(authenticator_devices.c.account_id == account_id)
                        .order_by(authenticator_devices.c.created_at))
    return [_device(row) for row in rows]


def remove(conn: Connection, account_id: str, device_id: str) -> Device | None:
    found = get(conn, device_id)
    if found is None or found.account_id != account_id:
        return None
    conn.execute(delete(authenticator_devices).where(authenticator_devices.c.id == device_id))
    conn.execute(delete(device_nonces).where(device_nonces.c.device_id == device_id))
    return found


_SEEN = (update(authenticator_devices).where(authenticator_devices.c.id == bindparam("d"))
         .values(last_seen_at=bindparam("now"), app_version=bindparam("v")))


def seen(conn: Connection, device_id: str, now: datetime, version: str) -> None:
    conn.execute(_SEEN, {"d": device_id, "now": now, "v": version})


# Nonces -------------------------------------------------------------------------------

_NONCE = insert(device_nonces)


def spend_nonce(conn: Connection, device_id: str, nonce: str, expires_at: datetime) -> bool:
    """Remember a nonce until its window passes; False when it was used already."""
    try:
        with conn.begin_nested():
            conn.execute(_NONCE, {"device_id": device_id, "nonce": nonce,
                                  "expires_at": expires_at})
    except IntegrityError:
        return False
    return True


def purge_nonces(conn: Connection, now: datetime) -> int:
    return conn.execute(delete(device_nonces).where(device_nonces.c.expires_at <= now)).rowcount


# Sign-in restriction -------------------------------------------------------------------

_RESTRICTED = select(signin_restrictions.c.account_id).where(
    signin_restrictions.c.account_id == bindparam("a"))


def restricted(conn: Connection, account_id: str) -> bool:
    return conn.execute(_RESTRICTED, {"a": account_id}).first() is not None


def restrict(conn: Connection, account_id: str, device_id: str | None, now: datetime) -> bool:
    """Turn the restriction on; False when it was on already."""
    try:
        with conn.begin_nested():
            conn.execute(insert(signin_restrictions).values(
                account_id=account_id, device_id=device_id, created_at=now))
    except IntegrityError:
        return False
    return True


def unrestrict(conn: Connection, account_id: str) -> bool:
    return conn.execute(delete(signin_restrictions).where(
        signin_restrictions.c.account_id == account_id)).rowcount == 1
