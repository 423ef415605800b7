"""Sign-in flows: a server-side record per attempt, moved forward by atomic state changes.

A flow is bound to the client that started it: the row keeps only `binder_hash`, the SHA-256
of a random binder the starter holds (the `monban_flow` cookie, or the `X-Flow-Token` an API
caller presents); signin/flow_access.py refuses every step that does not present it. The
flow id alone is therefore no bearer secret, and what is shown to support staff (audit rows)
is only `public_ref`, a short one-way reference to it. The states and the moves between them
are declared in store/flow_states.py; `advance` refuses any other move.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Connection, bindparam, select, update

from monban.db.tables import flows
from monban.store.flow_states import FlowKind, FlowState, kinds_allowing

REF_PREFIX = "fr_"
REF_LENGTH = len(REF_PREFIX) + 16


class FlowData(TypedDict, total=False):
    """A flow's payload (the JSON `data` column): every key any kind keeps, by group. mypy
    checks the keys of every payload written (a literal or `[...]` with an unknown key fails);
    `.get` of an unknown key gives `object`, which fails where it is used as a value."""

    # sign-in (signin/flow.py, second_step.py, passwordless.py; QR: devices/qr_signin.py)
    identifier: str | None
    """what the person typed, when it is a well-formed identifier (never a password)"""
    amr: list[str]
    """the methods proven so far (RFC 8176 values)"""
    challenges: dict[str, dict[str, Any]]
    """per factor id: what its challenge keeps server-side until the answer"""
    used_kind: str | None
    """the factor kind that carried the first step's code (not offered as second step)"""
    code_channel: str
    code_sent_to: str
    device: str | None
    method: str
    # getting back in (recovery/reset.py, outcomes.py)
    purpose: str
    typed: bool
    contacts: list[dict[str, str]]
    failures: int
    sent: dict[str, str]
    sent_at: str
    ip_notified: bool
    # a provider's round trip (federation/service.py)
    provider: str
    provider_id: str
    nonce: str
    code_verifier: str
    redirect_uri: str
    via: str
    next: str
    # a parked authorization request (oidc/provider.py)
    params: dict[str, str]
    fresh_after: str | None


@dataclass(slots=True)
class Flow:
    id: str
    kind: FlowKind
    state: FlowState
    account_id: str | None
    ip: str
    user_agent: str
    device_id: str | None
    keep_signed_in: bool
    created_at: datetime
    expires_at: datetime
    binder_hash: str | None
    """SHA-256 (hex) of the starter's binder; None only on rows older than binding, which
    no step accepts."""
    data: FlowData = field(default_factory=lambda: FlowData())


def binder_hash(binder: str) -> str:
    return hashlib.sha256(binder.encode()).hexdigest()


def bound_to(flow: Flow, binder: str | None) -> bool:
    """Whether `binder` is the one the flow was started with (constant time)."""
    if not binder or not flow.binder_hash:
        return False
    return hmac.compare_digest(flow.binder_hash, binder_hash(binder))


FLOW_ID_LENGTH = 43
"""Flow ids are `new_token()`s (256 bits, URL-safe): 43 characters. The audit's flow_id
column also holds support requests' ids (32 hex digits, row ids, no secret): kept as they
are."""


def public_ref(flow_id: str) -> str:
    """An opaque reference to a flow for audit rows and support staff: the same flow gives
    the same reference, and the reference gives nothing back. Anything that is not a flow
    id (a reference already, a support request's id) is returned unchanged."""
    if len(flow_id) != FLOW_ID_LENGTH:
        return flow_id
    digest = hashlib.sha256(b"monban-flow-ref:" + flow_id.encode()).hexdigest()
    return REF_PREFIX + digest[:REF_LENGTH - len(REF_PREFIX)]


_INSERT = flows.insert()
_GET = select(flows).where(flows.c.id == bindparam("v"))


def insert(conn: Connection, flow: Flow) -> None:
    conn.execute(_INSERT, {name: getattr(flow, name) for name in Flow.__slots__})


def get(conn: Connection, flow_id: str) -> Flow | None:
    """The row, bound or not: only signin/flow_access.py calls this (a test checks), and it
    checks the binder before anything of the flow is used."""
    row = conn.execute(_GET, {"v": flow_id}).first()
    if row is None:
        return None
    values = dict(row._mapping)
    values["kind"], values["state"] = FlowKind(values["kind"]), FlowState(values["state"])
    return Flow(**values)


_ADVANCE: dict[tuple[str, ...], Any] = {}


def advance(conn: Connection, flow_id: str, from_states: tuple[FlowState, ...],
            to_state: FlowState, now: datetime, **values: Any) -> bool:
    """Move the flow to `to_state` if it is still in one of `from_states` and unexpired:
    one statement, so two racing requests cannot both move it. Only flows of a kind whose
    machine (store/flow_states.py) allows the move are moved; a move no machine allows
    raises IllegalTransition."""
    kinds = kinds_allowing(from_states, to_state)
    shape = tuple(sorted(values))
    statement = _ADVANCE.get(shape)
    if statement is None:
        statement = _ADVANCE[shape] = (
            update(flows)
            .where((flows.c.id == bindparam("flow_id"))
                   & flows.c.state.in_(bindparam("from_states", expanding=True))
                   & flows.c.kind.in_(bindparam("kinds", expanding=True))
                   & (flows.c.expires_at > bindparam("now")))
            .values(state=bindparam("to_state"), **{k: bindparam(f"v_{k}") for k in shape}))
    params = {"flow_id": flow_id, "from_states": [str(s) for s in from_states], "now": now,
              "kinds": kinds, "to_state": str(to_state),
              **{f"v_{k}": v for k, v in values.items()}}
    return conn.execute(statement, params).rowcount == 1
