"""The second step of signing in: prove a second factor, or enrol one first when the org
requires MFA and the member has none.

After the password, the flow moves to `mfa` (or `mfa_enroll`) unless the browser is trusted.
Wrong answers go through the same attempt lockout as passwords. Which factors exist is the
registry's business (factors/registry.py): this module only speaks the Factor interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.clock import Clock
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.factors.base import Challenge, Enrollment, FactorContext, FactorRecord
from monban.factors.manager import FactorManager
from monban.factors.registry import counts_alone
from monban.sessions.device import describe
from monban.signin import lockout
from monban.signin.context import PolicyContext
from monban.signin.flow import SignedIn, SignInService
from monban.signin.flow_access import Loaded, open_flow
from monban.signin.policies import SameFactor
from monban.signin.request_info import RequestInfo
from monban.store import factors as factor_store
from monban.store import flows, trusted_browsers
from monban.store.counters import Counters
from monban.store.flow_states import FlowState
from monban.store.ids import new_id

MFA, MFA_ENROLL = FlowState.MFA, FlowState.MFA_ENROLL


@dataclass(frozen=True, slots=True)
class SecondStepRequired:
    flow_id: str
    state: FlowState
    """mfa: prove one of `factors`; mfa_enroll: enrol one of `enrollable` first."""
    factors: list[FactorRecord] = field(default_factory=list)
    enrollable: list[str] = field(default_factory=list)
    expires_at: datetime | None = None


class SecondStep:
    def __init__(self, db: Database, counters: Counters, clock: Clock,
                 manager: FactorManager) -> None:
        self._db = db
        self._counters = counters
        self._clock = clock
        self.manager = manager
        self.signin: SignInService | None = None

    def _service(self) -> SignInService:
        assert self.signin is not None, "the runtime links SecondStep to SignInService"
        return self.signin

    def is_on(self, account: Account, settings: OrgSettings,
              enrolled: Sequence[FactorRecord]) -> bool:
        """Whether multi-factor authentication is on for the account: it has a usable second
        factor, or its org requires one of it. (Mail clients then need app passwords.)"""
        usable = self.manager.usable_of(enrolled, settings)
        return (any(counts_alone(f.kind) for f in usable)
                or self._mfa_required(account, settings))

    def _mfa_required(self, account: Account, settings: OrgSettings) -> bool:
        role = account.role.value if account.role else None
        return (settings.mfa_required or account.must_enroll_mfa
                or (role is not None and role in settings.mfa_required_roles))

    async def required(self, flow: flows.Flow, account: Account, settings: OrgSettings,
                       request: RequestInfo, now: datetime,
                       enrolled: Sequence[FactorRecord], *,
                       first_amr: Sequence[str] = ("pwd",), used_kind: str | None = None,
                       from_states: tuple[FlowState, ...] = (FlowState.PASSWORD,),
                       ctx: PolicyContext
                       ) -> SecondStepRequired | None:
        """After the first step (the password; a sign-in code sent by `used_kind`, which
        then cannot be the second step too: the same-factor policy; or a federated
        provider's answer, its flow in `from_states`): what, if anything, is still to
        prove. `ctx` is the sign-in's policy context (its trace)."""
        every = self.manager.usable_of(enrolled, settings)
        await SameFactor(used_kind, {f.kind for f in every if counts_alone(f.kind)}
                         ).check(ctx)
        usable = _usable(every, used_kind)
        strong = [f for f in usable if counts_alone(f.kind)]
        required = self._mfa_required(account, settings)
        if not strong and not required:
            return None
        if request.device_id and settings.trusted_browser_days and await self._db.run(
                trusted_browsers.is_trusted, account.id, request.device_id, now):
            return None
        state = MFA if strong else MFA_ENROLL
        data = {**flow.data, "amr": list(first_amr), "challenges": {}, "used_kind": used_kind}
        if not await self._db.run(flows.advance, flow.id, from_states, state, now,
                                  data=data, keep_signed_in=flow.keep_signed_in):
            raise CatalogueError("FLOW_EXPIRED")
        return SecondStepRequired(flow.id, state, _ordered(usable) if strong else [],
                                  self._enrollable(settings), flow.expires_at)

    async def describe(self, flow_id: str, request: RequestInfo
                       ) -> tuple[Loaded, SecondStepRequired]:
        """A flow already waiting for its second step, as `required` described it."""
        loaded, _ = await self._flow(flow_id, (MFA, MFA_ENROLL), request)
        usable = _usable(self.manager.usable_of(loaded.factors, loaded.settings),
                         loaded.flow.data.get("used_kind"))
        state = loaded.flow.state
        return loaded, SecondStepRequired(
            flow_id, state, _ordered(usable) if state == MFA else [],
            self._enrollable(loaded.settings), loaded.flow.expires_at)

    def _enrollable(self, settings: OrgSettings) -> list[str]:
        return [k for k in self.manager.registry
                if k in settings.allowed_factors and counts_alone(k)]

    # Proving a factor ------------------------------------------------------------------
    async def challenge(self, flow_id: str, factor_id: str, request: RequestInfo
                        ) -> Challenge:
        loaded, ctx, record = await self._factor_in_flow(flow_id, factor_id, request)
        result = await self.manager.factor(record.kind, ctx).challenge(ctx, record)
        if result.private:
            data: flows.FlowData = {**loaded.flow.data}
            data["challenges"] = {**data.get("challenges", {}), record.id: result.private}
            await self._db.run(flows.advance, loaded.flow.id, (MFA,), MFA, ctx.now,
                               data=data)
        return result

    async def verify(self, flow_id: str, factor_id: str, response: dict[str, Any],
                     request: RequestInfo, trust_browser: bool = False) -> SignedIn:
        loaded, ctx, record = await self._factor_in_flow(flow_id, factor_id, request)
        factor = self.manager.factor(record.kind, ctx)
        private = dict(loaded.flow.data.get("challenges", {}).get(record.id, {}))
        answered = await self._prove(loaded, request, ctx, record.kind,
                                     factor.verify(ctx, record, response, private))
        if answered is None:  # the factor named is the one that answered
            answered = record
            await self._db.run(factor_store.update_data, record.id, last_used_at=ctx.now)
        amr = str(answered.data.get("amr") or factor.amr)
        return await self._finish(loaded, request, ctx, (MFA,), amr, trust_browser,
                                  record.kind)

    # Enrolling when the org requires MFA ----------------------------------------------
    async def enroll(self, flow_id: str, kind: str, name: str, params: dict[str, Any],
                     request: RequestInfo) -> Enrollment:
        loaded, ctx = await self._flow(flow_id, (MFA_ENROLL,), request)
        return await self.manager.enroll(ctx, kind, name, params)

    async def confirm(self, flow_id: str, kind: str, enrollment_id: str,
                      response: dict[str, Any], request: RequestInfo,
                      trust_browser: bool = False) -> SignedIn:
        loaded, ctx = await self._flow(flow_id, (MFA_ENROLL,), request)
        factor = self.manager.factor(kind, ctx)
        await self._prove(loaded, request, ctx, kind,
                          self.manager.confirm(ctx, kind, enrollment_id, response))
        return await self._finish(loaded, request, ctx, (MFA_ENROLL,), factor.amr,
                                  trust_browser, kind)

    # Shared ------------------------------------------------------------------------------
    async def _flow(self, flow_id: str, states: tuple[FlowState, ...], request: RequestInfo
                    ) -> tuple[Loaded, FactorContext]:
        now = self._clock.now()
        loaded = await open_flow(self._db, self._clock, flow_id, request, states)
        assert loaded.account is not None
        ctx = FactorContext(account=loaded.account, settings=loaded.settings, request=request,
                            now=now, flow_id=loaded.flow.id, origin=request.origin)
        return loaded, ctx

    async def _factor_in_flow(self, flow_id: str, factor_id: str, request: RequestInfo
                              ) -> tuple[Loaded, FactorContext, FactorRecord]:
        loaded, ctx = await self._flow(flow_id, (MFA,), request)
        record = await self._db.run(factor_store.get, ctx.account.id, factor_id, write=False)
        if (record is None or record.kind not in ctx.settings.allowed_factors
                or record.kind == loaded.flow.data.get("used_kind")):
            raise CatalogueError("NOT_FOUND", detail={"factor": factor_id[:40]})
        return loaded, ctx, record

    async def _prove(self, loaded: Loaded, request: RequestInfo, ctx: FactorContext,
                     kind: str, proof: Any) -> Any:
        """Await the factor's check behind the attempt lockout; audit a failure."""
        account = ctx.account
        keys = lockout.keys_for(account.id, str(request.ip), request.device_id,
                                loaded.known_browser)
        service = self._service()
        policy_ctx = service.context(loaded, request, ctx.now)
        try:
            async with lockout.attempt(self._counters, keys, ctx.settings, self._clock,
                                       policy_ctx):
                try:
                    return await proof
                except CatalogueError:
                    policy_ctx.note("second_factor", False, factor=kind)
                    raise
        except CatalogueError as error:
            await service.fail(error, loaded.flow, account, request, policy_ctx)
            raise
        finally:
            proof.close()  # never awaited when the lockout refused first

    async def _finish(self, loaded: Loaded, request: RequestInfo, ctx: FactorContext,
                      from_states: tuple[FlowState, ...], amr: str, trust_browser: bool,
                      kind: str) -> SignedIn:
        service = self._service()
        assert loaded.account is not None
        if trust_browser and request.device_id and ctx.settings.trusted_browser_days:
            await self._db.run(trusted_browsers.trust, trusted_browsers.TrustedBrowser(
                id=new_id(), account_id=loaded.account.id, device_id=request.device_id,
                name=describe(request.user_agent), ip=str(request.ip), created_at=ctx.now,
                expires_at=ctx.now + timedelta(days=ctx.settings.trusted_browser_days),
                last_used_at=ctx.now))
        policy_ctx = service.context(loaded, request, ctx.now)
        policy_ctx.note("second_factor", True, factor=kind, trusted_now=trust_browser)
        methods = [*loaded.flow.data.get("amr", ["pwd"]), amr, "mfa"]
        return await service.complete(loaded.flow, from_states, loaded.account,
                                      loaded.settings, request, policy_ctx, methods)


def _usable(usable: Sequence[FactorRecord], used_kind: object) -> list[FactorRecord]:
    """Without the kind that already carried the first step's code (one phone is one
    factor, however many codes it receives)."""
    return [f for f in usable if f.kind != used_kind]


def _ordered(usable: Sequence[FactorRecord]) -> list[FactorRecord]:
    """The preferred factor first, backup codes last, else oldest first."""
    return sorted(usable, key=lambda f: (not f.preferred, not counts_alone(f.kind),
                                         f.created_at))
