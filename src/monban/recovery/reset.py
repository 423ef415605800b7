"""Self-service recovery, for a person who cannot sign in: they forgot the password
(purpose "password"), lost their second factor ("mfa"), or are shut out by their own
allowed-IP list ("ip").

A recovery is a flow record (kind "recovery") moved forward one state at a time:

    r_choose --send--> r_code --verify--> r_mfa (the account's MFA, where it has any)
                                      \\--> r_new_password | r_password | r_allowed_ips

and finished in outcomes.py. The states have their own names, so no sign-in endpoint ever
accepts a recovery flow half-way. Codes are the sign-in's one-time codes (purpose
"recovery"): six digits, one use, ten minutes, only the newest per contact, a resend
cool-down, and the send limits every message has (notify/limits.py: SEND_LIMIT_REACHED); wrong
codes count in the sign-in's attempt lockout, and MAX_CODE_FAILURES wrong codes retire the code.

Existence of accounts is told no more than the sign-in tells it. Where the sign-in answers
ACCOUNT_NOT_FOUND, so does this. Where it hides existence (the server setting, or an org that
hides it for its members and its domains), the person is not shown a list of masked contacts
(that list, or NO_RECOVERY_OPTION, would tell a stranger the account exists): they type the
recovery contact they registered, and every identifier and contact gets the same answer, in
the same time (a real code is delivered in the background); a code can only be right when
both matched."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from monban.accounts.identifiers import Identifier, classify, email_domain
from monban.accounts.model import Account, Org
from monban.accounts.org_settings import DEFAULT_SETTINGS
from monban.errors import CatalogueError
from monban.factors import one_time_codes
from monban.factors.base import FactorRecord
from monban.factors.one_time_codes import RESEND_AFTER, Scope, mask
from monban.factors.registry import counts_alone
from monban.recovery.contacts import parse
from monban.signin import existence, lockout
from monban.signin.flow_access import Loaded, binder_hash_for, open_flow
from monban.signin.request_info import RequestInfo
from monban.store import accounts, flows, orgs
from monban.store import otp_challenges as otp_store
from monban.store import recovery_contacts as contact_store
from monban.store.flow_states import FlowKind, FlowState
from monban.store.ids import new_token
from monban.store.recovery_contacts import RecoveryContact

if TYPE_CHECKING:
    from monban.recovery import Recovery

log = logging.getLogger("monban.recovery")
KIND = FlowKind.RECOVERY
PURPOSE = "recovery"
PURPOSES = ("password", "mfa", "ip")
CHOOSE, CODE, MFA = FlowState.R_CHOOSE, FlowState.R_CODE, FlowState.R_MFA
NEW_PASSWORD, PASSWORD = FlowState.R_NEW_PASSWORD, FlowState.R_PASSWORD
ALLOWED_IPS = FlowState.R_ALLOWED_IPS
FINISH = {"password": NEW_PASSWORD, "mfa": PASSWORD, "ip": ALLOWED_IPS}
MAX_CODE_FAILURES = 5
_BACKGROUND: set[asyncio.Task[None]] = set()


@dataclass(frozen=True, slots=True)
class Step:
    """Where a recovery stands, as the pages and the API show it."""

    flow: flows.Flow
    factors: list[FactorRecord] = field(default_factory=list)

    @property
    def purpose(self) -> str:
        return str(self.flow.data.get("purpose"))

    @property
    def typed(self) -> bool:
        return bool(self.flow.data.get("typed"))

    @property
    def contacts(self) -> list[dict[str, str]]:
        return list(self.flow.data.get("contacts", []))

    @property
    def sent_to(self) -> str | None:
        sent = self.flow.data.get("sent")
        return mask(sent["target"]) if sent else None


def who_to_ask(org: Org | None) -> dict[str, Any]:
    """NO_RECOVERY_OPTION's and SELF_RESET_NOT_ALLOWED's detail: whom to ask, the org's
    administrator for a member, support for a personal account. The caller is not signed
    in, so neither the staff's names and addresses nor the org's name are given."""
    return {"ask": "support"} if org is None else {"ask": "org_admin"}


@dataclass(frozen=True, slots=True)
class _Lookup:
    account: Account | None
    org: Org | None
    hidden: bool
    contacts: list[RecoveryContact]


class Reset:
    def __init__(self, recovery: Recovery) -> None:
        self._r = recovery
        self._rt = recovery.runtime

    # Starting ---------------------------------------------------------------------------
    async def start(self, identifier: str, purpose: str, request: RequestInfo) -> Step:
        if purpose not in PURPOSES:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "purpose"})
        parsed = classify(identifier)
        label = parsed.value if parsed else None
        found = await self._rt.db.run(_lookup, parsed, self._rt.settings.hide_unknown_accounts,
                                      write=False)
        account, settings = found.account, found.org.settings if found.org else DEFAULT_SETTINGS
        error: CatalogueError | None = None
        if account is None and not found.hidden:
            error = CatalogueError("ACCOUNT_NOT_FOUND")
        elif purpose != "ip" and not settings.self_reset_allowed:
            error = CatalogueError("SELF_RESET_NOT_ALLOWED", who_to_ask(found.org))
        elif not found.hidden and not found.contacts:
            error = CatalogueError("NO_RECOVERY_OPTION", who_to_ask(found.org))
        if error is not None:
            if account is not None and not found.hidden:
                error.language = account.language
            await self._r.audit("recovery.started", "failure", account, request,
                                code=error.code, identifier=label, purpose=purpose)
            raise error
        now = self._rt.clock.now()
        shown = [] if found.hidden else [
            {"id": c.id, "channel": c.channel, "sent_to": mask(c.target)} for c in found.contacts]
        flow = flows.Flow(
            id=new_token(), kind=KIND, state=CHOOSE, account_id=account.id if account else None,
            ip=str(request.ip), user_agent=request.user_agent[:512],
            device_id=request.device_id, keep_signed_in=False, created_at=now,
            expires_at=now + timedelta(seconds=self._rt.settings.flow_ttl_seconds),
            binder_hash=binder_hash_for(request),
            data={"purpose": purpose, "identifier": label, "typed": found.hidden,
                  "contacts": shown, "failures": 0, "amr": []})
        await self._rt.db.run(flows.insert, flow)
        await self._r.audit("recovery.started", "success", account, request, flow_id=flow.id,
                            identifier=label, purpose=purpose, typed=found.hidden)
        return Step(flow)

    async def load(self, flow_id: str, states: tuple[FlowState, ...], request: RequestInfo
                   ) -> Loaded:
        """The live recovery flow of this client's in one of `states` (FLOW_EXPIRED
        otherwise)."""
        return await open_flow(self._rt.db, self._rt.clock, flow_id, request, states,
                               kinds=(KIND,), account=False)

    async def describe(self, flow_id: str, request: RequestInfo) -> tuple[Loaded, Step]:
        loaded = await self.load(flow_id, (CHOOSE, CODE, MFA, NEW_PASSWORD, PASSWORD,
                                           ALLOWED_IPS), request)
        shown = self.usable(loaded) if loaded.flow.state == MFA else []  # only once proven
        return loaded, Step(loaded.flow, shown)

    def usable(self, loaded: Loaded) -> list[FactorRecord]:
        return _ordered(self._rt.factors.usable_of(loaded.factors, loaded.settings))

    # The code ---------------------------------------------------------------------------
    async def send(self, flow_id: str, request: RequestInfo, *, contact_id: str = "",
                   contact: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a code to the chosen contact (`contact_id`), or, where the contacts are not
        listed, to the contact the person typed ({"email"} or {"phone"})."""
        loaded = await self.load(flow_id, (CHOOSE, CODE), request)
        flow, account, now = loaded.flow, loaded.account, self._rt.clock.now()
        last = flow.data.get("sent_at")
        if last and now - datetime.fromisoformat(last) < RESEND_AFTER:
            wait = RESEND_AFTER - (now - datetime.fromisoformat(last))
            raise CatalogueError("INVALID_REQUEST",
                              detail={"retry_after": max(1, int(wait.total_seconds() + .999))})
        if flow.data.get("typed"):
            channel, target = parse(contact or {})
            match = await self._rt.db.run(  # the same query whoever asks
                _verified, account.id if account else "", channel, target, write=False)
        else:
            chosen = next((c for c in flow.data.get("contacts", []) if c["id"] == contact_id),
                          None)
            stored = None if chosen is None or account is None else await self._rt.db.run(
                contact_store.get, account.id, contact_id, write=False)
            if stored is None or not stored.verified:
                raise CatalogueError("NOT_FOUND", detail={"contact": contact_id[:40]})
            channel, target, match = stored.channel, stored.target, True
        data = {**flow.data, "sent": {"channel": channel, "target": target},
                "sent_at": now.isoformat(), "failures": 0}
        if flow.data.get("typed"):
            if not await self._rt.db.run(flows.advance, flow.id, (CHOOSE, CODE), CODE, now,
                                         data=data):
                raise CatalogueError("FLOW_EXPIRED")
            if match and account is not None:
                _background(self._quietly(account, flow, channel, target, now, request))
        else:
            assert account is not None
            scope = Scope(account.id, PURPOSE, channel, target, flow.id)

            def advance(conn: Connection) -> None:
                flows.advance(conn, flow.id, (CHOOSE, CODE), CODE, now, data=data)

            await one_time_codes.send(
                self._rt.db, self._r.codes, scope, now,
                lambda code: self._r.send_code(account, channel, target,
                                               str(flow.data["purpose"]), code, request),
                then=advance)
        await self._r.audit("recovery.code_sent", "success", account, request, flow_id=flow.id,
                            identifier=flow.data.get("identifier"), channel=channel,
                            target=mask(target), matched=match)
        return {"sent_to": mask(target), "resend_after": int(RESEND_AFTER.total_seconds())}

    async def _quietly(self, account: Account, flow: flows.Flow, channel: str, target: str,
                       now: datetime, request: RequestInfo) -> None:
        """The typed-contact case: the answer went out already; deliver without telling."""
        purpose = str(flow.data["purpose"])
        try:
            await one_time_codes.send(
                self._rt.db, self._r.codes, Scope(account.id, PURPOSE, channel, target,
                                                  flow.id), now,
                lambda code: self._r.send_code(account, channel, target, purpose, code,
                                               request))
        except CatalogueError as error:
            log.warning("recovery code not sent (%s)", error.code)

    async def verify(self, flow_id: str, code: Any, request: RequestInfo) -> Step:
        """The code that arrived: behind the attempt lockout; right, the flow moves on."""
        loaded = await self.load(flow_id, (CODE,), request)
        flow, account = loaded.flow, loaded.account
        sent = flow.data.get("sent")
        if not sent:
            raise CatalogueError("FLOW_EXPIRED")
        key = account.id if account else f"unknown:{flow.data.get('identifier')}"
        keys = await self._r.keys(key, request)
        usable = self.usable(loaded) if account else []
        purpose = str(flow.data["purpose"])
        following = MFA if usable and purpose != "mfa" else FINISH[purpose]
        now = self._rt.clock.now()

        async def prove() -> None:
            problem = await self._rt.db.run(
                _use_code, self._r.codes, flow, sent, code, now, following,
                bool(account and account.disabled))
            if problem is not None:
                raise problem

        try:
            async with lockout.attempt(self._rt.counters, keys, loaded.settings, self._rt.clock):
                await prove()
        except CatalogueError as error:
            await self.failed("recovery.code", error, loaded, request)
            raise
        await self._r.audit("recovery.code", "success", account, request, flow_id=flow.id,
                            purpose=purpose, next=following)
        loaded.flow.state = following
        return Step(loaded.flow, usable if following == MFA else [])

    async def failed(self, event: str, error: CatalogueError, loaded: Loaded,
                      request: RequestInfo) -> None:
        account = loaded.account
        if account is not None and not loaded.flow.data.get("typed"):
            error.language = account.language
        await self._r.audit(event, "failure", account, request, code=error.code,
                            flow_id=loaded.flow.id,
                            identifier=loaded.flow.data.get("identifier"))


def _ordered(usable: Sequence[FactorRecord]) -> list[FactorRecord]:
    """As the sign-in offers them: the preferred factor first, backup codes last."""
    return sorted(usable, key=lambda f: (not f.preferred, not counts_alone(f.kind),
                                         f.created_at))


def _background(work: Coroutine[Any, Any, None]) -> None:
    task = asyncio.get_running_loop().create_task(work)
    _BACKGROUND.add(task)
    task.add_done_callback(_BACKGROUND.discard)


def _lookup(conn: Connection, parsed: Identifier | None, hide_unknown: bool) -> _Lookup:
    account = accounts.find(conn, parsed) if parsed else None
    domain = email_domain(parsed) if parsed else None
    domain_org = orgs.for_domain(conn, domain) if domain else None
    org = (orgs.get(conn, account.org_id) if account.org_id else None) if account else domain_org
    hidden = hide_unknown or any(o is not None and o.settings.hide_account_existence
                                 for o in (domain_org, org)) or (
        account is None and existence.unknown_hidden(conn, parsed, hide_unknown))
    contacts = list(contact_store.list_for(conn, account.id, verified_only=True)
                    ) if account else []
    return _Lookup(account, org, hidden, contacts)


def _verified(conn: Connection, account_id: str, channel: str, target: str) -> bool:
    found = contact_store.find(conn, account_id, channel, target)
    return found is not None and found.verified


def _use_code(conn: Connection, codes: Any, flow: flows.Flow, sent: dict[str, str], code: Any,
              now: datetime, following: FlowState, disabled: bool) -> CatalogueError | None:
    """Use the code and move the flow on in one transaction. A wrong code is counted on the
    flow (returned, not raised, so that the count is kept); the fifth retires the code."""
    scope = Scope(flow.account_id or "", PURPOSE, sent["channel"], sent["target"], flow.id)
    try:
        if flow.account_id is None:  # an unknown account, existence hidden: nothing is right
            raise CatalogueError("INVALID_OTP")
        one_time_codes.consume(conn, codes, scope, code, now)
    except CatalogueError as error:
        failures = int(flow.data.get("failures", 0)) + 1
        if failures >= MAX_CODE_FAILURES and flow.account_id is not None:
            otp_store.supersede_all(conn, scope)
        flows.advance(conn, flow.id, (CODE,), CODE, now,
                      data={**flow.data, "failures": failures})
        return error
    if disabled:
        flows.advance(conn, flow.id, (CODE,), FlowState.DONE, now)
        return CatalogueError("ACCOUNT_DISABLED")
    data: flows.FlowData = {**flow.data, "failures": 0, "amr": ["otp"]}
    if not flows.advance(conn, flow.id, (CODE,), following, now, data=data):
        return CatalogueError("FLOW_EXPIRED")
    flow.data = data
    return None
