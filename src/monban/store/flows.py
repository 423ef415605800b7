"""Sign-in flows: a server-side record per attempt, moved forward by atomic state changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from monban.db.tables import flows


@dataclass(slots=True)
class Flow:
    id: str
    kind: str
    state: str
    account_id: str | None
    ip: str
    user_agent: str
    device_id: str | None
    keep_signed_in: bool
    created_at: datetime
    expires_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def insert(conn: Connection, flow: Flow) -> None:
    conn.execute(flows.insert().values(
        id=flow.id, kind=flow.kind, state=flow.state, account_id=flow.account_id, ip=flow.ip,
        user_agent=flow.user_agent, device_id=flow.device_id,
        keep_signed_in=flow.keep_signed_in, created_at=flow.created_at,
        expires_at=flow.expires_at, data=flow.data))


def get(conn: Connection, flow_id: str) -> Flow | None:
    row = conn.execute(select(flows).where(flows.c.id == flow_id)).first()
    return Flow(**row._mapping) if row else None


def advance(conn: Connection, flow_id: str, from_states: tuple[str, ...], to_state: str,
            now: datetime, **values: Any) -> bool:
    """Move the flow to `to_state` if it is still in one of `from_states` and unexpired:
    one statement, so two racing requests cannot both move it."""
    result = conn.execute(
        update(flows)
        .where((flows.c.id == flow_id) & flows.c.state.in_(from_states)
               & (flows.c.expires_at > now))
        .values(state=to_state, **values))
    return result.rowcount == 1


def purge_expired(conn: Connection, before: datetime) -> int:
    return conn.execute(delete(flows).where(flows.c.expires_at < before)).rowcount
