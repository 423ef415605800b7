"""Allowed-IP rules, per account (scope 'account') and per org (scope 'org')."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, select

from monban.db.tables import ip_rules


@dataclass(frozen=True, slots=True)
class IpRule:
    id: str
    scope: str
    owner_id: str
    cidr: str
    name: str
    created_at: datetime


_FOR = (select(ip_rules)
        .where((ip_rules.c.scope == bindparam("scope")) & (ip_rules.c.owner_id == bindparam("o")))
        .order_by(ip_rules.c.created_at))


def list_for(conn: Connection, scope: str, owner_id: str) -> Sequence[IpRule]:
    rows = conn.execute(_FOR, {"scope": scope, "o": owner_id})
    return [IpRule(**row._mapping) for row in rows]


def add(conn: Connection, rule: IpRule) -> None:
    conn.execute(ip_rules.insert().values(
        id=rule.id, scope=rule.scope, owner_id=rule.owner_id, cidr=rule.cidr, name=rule.name,
        created_at=rule.created_at))


def remove(conn: Connection, scope: str, owner_id: str, rule_id: str) -> bool:
    result = conn.execute(delete(ip_rules).where(
        (ip_rules.c.id == rule_id) & (ip_rules.c.scope == scope)
        & (ip_rules.c.owner_id == owner_id)))
    return result.rowcount == 1
