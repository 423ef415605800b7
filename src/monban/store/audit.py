"""The audit log: one row per attempt and per administrative act. Never a secret: a flow is
recorded by its public reference (store/flows.py `public_ref`), never by its id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from monban.db.tables import audit_events
from monban.store.flows import public_ref


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: datetime
    event: str
    outcome: str
    code: str | None = None
    account_id: str | None = None
    org_id: str | None = None
    actor_id: str | None = None
    identifier: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    flow_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


_INSERT = audit_events.insert()
_FIELDS = tuple(name for name in AuditEvent.__slots__ if name != "id")


def record(conn: Connection, event: AuditEvent) -> None:
    conn.execute(_INSERT, _values(event))


def record_many(conn: Connection, events: Sequence[AuditEvent]) -> None:
    """One statement for many events (batched audit of machine grants, issue #6)."""
    conn.execute(_INSERT, [_values(event) for event in events])


def _values(event: AuditEvent) -> dict[str, Any]:
    values = {name: getattr(event, name) for name in _FIELDS}
    if values["user_agent"]:
        values["user_agent"] = values["user_agent"][:512]
    if values["flow_id"]:
        values["flow_id"] = public_ref(values["flow_id"])
    if isinstance(values["detail"].get("flow_id"), str):
        values["detail"] = {**values["detail"],
                            "flow_id": public_ref(values["detail"]["flow_id"])}
    return values


@dataclass(frozen=True, slots=True)
class AuditQuery:
    account_id: str | None = None
    org_id: str | None = None
    code: str | None = None
    flow_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


def query(conn: Connection, q: AuditQuery) -> Sequence[AuditEvent]:
    statement = select(audit_events).order_by(audit_events.c.id.desc()).limit(q.limit)
    if q.account_id:
        statement = statement.where(audit_events.c.account_id == q.account_id)
    if q.org_id:
        statement = statement.where(audit_events.c.org_id == q.org_id)
    if q.code:
        statement = statement.where(audit_events.c.code == q.code)
    if q.flow_id:  # a flow's id or its public reference
        statement = statement.where(audit_events.c.flow_id == public_ref(q.flow_id))
    if q.since:
        statement = statement.where(audit_events.c.at >= q.since)
    if q.until:
        statement = statement.where(audit_events.c.at < q.until)
    return [AuditEvent(**row._mapping) for row in conn.execute(statement)]
