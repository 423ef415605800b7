"""Sign-in flows: a server-side record per attempt, moved forward by atomic state changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

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


_INSERT = flows.insert()
_GET = select(flows).where(flows.c.id == bindparam("v"))


def insert(conn: Connection, flow: Flow) -> None:
    conn.execute(_INSERT, {name: getattr(flow, name) for name in Flow.__slots__})


def get(conn: Connection, flow_id: str) -> Flow | None:
    row = conn.execute(_GET, {"v": flow_id}).first()
    return Flow(**row._mapping) if row else None


_ADVANCE: dict[tuple[str, ...], Any] = {}


def advance(conn: Connection, flow_id: str, from_states: tuple[str, ...], to_state: str,
            now: datetime, **values: Any) -> bool:
    """Move the flow to `to_state` if it is still in one of `from_states` and unexpired:
    one statement, so two racing requests cannot both move it."""
    shape = tuple(sorted(values))
    statement = _ADVANCE.get(shape)
    if statement is None:
        statement = _ADVANCE[shape] = (
            update(flows)
            .where((flows.c.id == bindparam("flow_id"))
                   & flows.c.state.in_(bindparam("from_states", expanding=True))
                   & (flows.c.expires_at > bindparam("now")))
            .values(state=bindparam("to_state"), **{k: bindparam(f"v_{k}") for k in shape}))
    params = {"flow_id": flow_id, "from_states": list(from_states), "now": now,
              "to_state": to_state, **{f"v_{k}": v for k, v in values.items()}}
    return conn.execute(statement, params).rowcount == 1
