"""Opening a flow for one of its steps: the one place a flow is read for a client, and the
one check that the client is the one that started it.

Every step of every flow kind (sign-in, second step, MFA enrolment during sign-in, forced
new password, sign-in code, session-limit choice, recovery, federation callback, parked
OIDC authorization, push polling) calls `open_flow` with the RequestInfo of the request.
The flow row keeps the hash of the starter's binder (store/flows.py); a request presenting
another binder, or none, is answered exactly like an unknown flow (FLOW_EXPIRED) and the
attempt is audited (`flow.binding`, with the flow's public reference only).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Connection

from monban.accounts.model import Account, Org
from monban.accounts.org_settings import DEFAULT_SETTINGS, OrgSettings
from monban.clock import Clock
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.factors.base import FactorRecord
from monban.signin.request_info import RequestInfo
from monban.store import accounts, audit, devices, flows, ip_rules, known_browsers, orgs
from monban.store import factors as factor_store
from monban.store.flow_states import LIVE, FlowKind, FlowState
from monban.store.ids import new_token
from monban.store.ip_rules import IpRule


@dataclass(slots=True)
class Loaded:
    flow: flows.Flow
    account: Account | None
    org: Org | None
    account_rules: list[IpRule]
    org_rules: list[IpRule]
    known_browser: bool
    factors: list[FactorRecord] = field(default_factory=list)
    restricted: bool = False

    @property
    def settings(self) -> OrgSettings:
        return self.org.settings if self.org else DEFAULT_SETTINGS


def binder_hash_for(request: RequestInfo) -> str:
    """What a new flow started by `request` keeps: the hash of the binder the request
    presented (or was given). A caller with none (mail, CLI) gets a flow no later request
    can continue."""
    return flows.binder_hash(request.flow_binder or new_token())


async def open_flow(db: Database, clock: Clock, flow_id: str, request: RequestInfo,
                    states: Collection[FlowState] = LIVE, *,
                    kinds: Collection[FlowKind] | None = None,
                    account: bool = True) -> Loaded:
    """The live flow `flow_id` in one of `states` (of one of `kinds`), started by the client
    that sent `request`, with everything a step needs; FLOW_EXPIRED otherwise. `account`:
    the flow must name an account (every step after the identifier does)."""
    loaded = await db.run(load_unbound, flow_id[:100], request.device_id, write=False)
    if loaded is None:
        raise CatalogueError("FLOW_EXPIRED")
    flow, now = loaded.flow, clock.now()
    if not flows.bound_to(flow, request.flow_binder):
        await db.run(audit.record, audit.AuditEvent(
            at=now, event="flow.binding", outcome="failure", code="FLOW_EXPIRED",
            account_id=flow.account_id, org_id=loaded.org.id if loaded.org else None,
            ip=str(request.ip), user_agent=request.user_agent, flow_id=flow.id,
            detail={"kind": flow.kind.value, "state": flow.state.value,
                    "presented": bool(request.flow_binder), "started_from": flow.ip}))
        raise CatalogueError("FLOW_EXPIRED")
    if (flow.state not in states or flow.expires_at <= now
            or (kinds is not None and flow.kind not in kinds)
            or (account and loaded.account is None)):
        raise CatalogueError("FLOW_EXPIRED")
    return loaded


def load_unbound(conn: Connection, flow_id: str, device_id: str | None) -> Loaded | None:
    """The flow without the binder check: for `open_flow`, and for server-side bookkeeping
    that tells the caller nothing about the flow (counting a wrong push answer against the
    flow's source, devices/service.py). tests/signin/test_flow_access.py checks that nothing
    else calls it or store.flows.get."""
    flow = flows.get(conn, flow_id)
    return None if flow is None else loaded_flow(conn, flow, device_id)


def loaded_flow(conn: Connection, flow: flows.Flow, device_id: str | None,
                known: Account | None = None) -> Loaded:
    """Everything a step of `flow` needs: the account, org, IP rules, known browser,
    factors (one read transaction)."""
    account = known or (accounts.get(conn, flow.account_id) if flow.account_id else None)
    org = orgs.get(conn, account.org_id) if account and account.org_id else None
    return Loaded(
        flow=flow, account=account, org=org,
        account_rules=list(ip_rules.list_for(conn, "account", account.id)) if account else [],
        org_rules=list(ip_rules.list_for(conn, "org", org.id)) if org else [],
        known_browser=bool(account and device_id
                           and known_browsers.is_known(conn, account.id, device_id)),
        factors=list(factor_store.list_for(conn, account.id)) if account else [],
        restricted=bool(account and devices.restricted(conn, account.id)))
