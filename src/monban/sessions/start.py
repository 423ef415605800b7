"""Starting a session: one transaction that moves the flow to done, enforces the concurrent
session limit under the account's lock, writes the session, remembers the browser and
records the success. Either all of it happens or none of it does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.sessions import lifetime
from monban.signin.request_info import RequestInfo
from monban.store import accounts, audit, flows, known_browsers, sessions
from monban.store.flow_states import FlowState
from monban.store.ids import new_token, token_digest

SESSION_LIMIT_POLICY = "concurrent_session_limit"


@dataclass(frozen=True, slots=True)
class SessionRequest:
    flow_id: str
    from_states: tuple[FlowState, ...]
    account: Account
    settings: OrgSettings
    request: RequestInfo
    persistent: bool
    now: datetime
    end_others: bool
    trace: list[dict[str, Any]]
    kind: str = sessions.BROWSER
    event: str = "signin.success"
    amr: str = "pwd"
    flow_data: flows.FlowData | None = None
    """Kept on the flow when the session limit stops it, for "end other sessions"."""


@dataclass(frozen=True, slots=True)
class Started:
    token: str
    session: sessions.Session


@dataclass(frozen=True, slots=True)
class LimitReached:
    limit: int
    live: list[sessions.Session]


def start_session(conn: Connection, req: SessionRequest) -> Started | LimitReached | None:
    """None: the flow was already used or has expired (nothing written)."""
    accounts.lock(conn, req.account.id)
    settings, now = req.settings, req.now
    trace = list(req.trace)
    if req.end_others:
        ended = sessions.end_all(conn, req.account.id, now, kind=sessions.BROWSER)
        trace.append({"policy": SESSION_LIMIT_POLICY, "passed": True,
                      "values": {"ended_other_sessions": ended}})
    elif settings.session_limit and req.kind == sessions.BROWSER:
        live = sessions.count_live(conn, req.account.id, sessions.BROWSER, now,
                                   lifetime.idle_cutoff(settings, now))
        if live >= settings.session_limit:
            data = {**(req.flow_data or {}), "amr": req.amr.split(",")}
            if not flows.advance(conn, req.flow_id, req.from_states, FlowState.SESSION_LIMIT, now,
                                 data=data):
                return None
            return LimitReached(settings.session_limit,
                                list(sessions.list_live(conn, req.account.id, now,
                                                        lifetime.idle_cutoff(settings, now))))
        trace.append({"policy": SESSION_LIMIT_POLICY, "passed": True,
                      "values": {"live": live, "limit": settings.session_limit}})
    if not flows.advance(conn, req.flow_id, req.from_states, FlowState.DONE, now):
        return None
    token = new_token()
    session = sessions.Session(
        id=token_digest(token), account_id=req.account.id, kind=req.kind,
        persistent=req.persistent, created_at=now, last_seen_at=now,
        expires_at=lifetime.expires_at(settings, req.persistent, now), ended_at=None,
        ip=str(req.request.ip), user_agent=req.request.user_agent[:512], flow_id=req.flow_id,
        amr=req.amr)
    sessions.insert(conn, session)
    if req.request.device_id:
        known_browsers.remember(conn, req.account.id, req.request.device_id, now)
    audit.record(conn, audit.AuditEvent(
        at=now, event=req.event, outcome="success", account_id=req.account.id,
        org_id=req.account.org_id, identifier=req.account.label, ip=str(req.request.ip),
        user_agent=req.request.user_agent, flow_id=req.flow_id,
        detail={"trace": trace, "persistent": req.persistent, "amr": req.amr}))
    return Started(token, session)
