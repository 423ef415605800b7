"""A recovery once the code was right: the account's MFA where it has any, then what the
person came for.

- Forgot password: a new password (through Directory.set_password, so the org's password
  policy applies, but not its minimum age: the person cannot sign in), every session of the
  account ended, a notice to its addresses, and a signed-in session here (the sign-in's
  policies still apply: an IP outside the lists, a disabled account or the daily limit
  refuse it, with the password changed).
- Lost second factor: the current password, then signed in with must_enroll_mfa set (the
  security page's two-step section asks for a new method); where the org requires MFA the
  flow moves to the sign-in's own `mfa_enroll` state instead, and the session starts only
  once a new method is enrolled.
- Own IP restriction: the person's own allowed-IP list, to clear or edit from anywhere. The
  org's list stays with its administrators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from monban.accounts.model import Account
from monban.errors import CatalogueError
from monban.factors.base import Challenge, FactorContext, FactorRecord
from monban.factors.registry import counts_alone
from monban.recovery import notices
from monban.recovery.reset import ALLOWED_IPS, FINISH, MFA, NEW_PASSWORD, PASSWORD, Step
from monban.signin import lockout
from monban.signin.flow import SignedIn
from monban.signin.flow_access import Loaded
from monban.signin.policies import plan
from monban.signin.request_info import RequestInfo
from monban.signin.second_step import MFA_ENROLL, SecondStepRequired
from monban.store import accounts, audit, flows
from monban.store import factors as factor_store
from monban.store.flow_states import FlowState
from monban.store.ip_rules import IpRule

if TYPE_CHECKING:
    from monban.recovery import Recovery

FLAGGED_BY = ("recovery.signin", "admin.mfa_reset")
SETTING = FlowState.R_SETTING
"""Held while the new password is stored: one submission wins."""


class Outcomes:
    def __init__(self, recovery: Recovery) -> None:
        self._r = recovery
        self._rt = recovery.runtime
        self._reset = recovery.reset

    # The account's MFA ------------------------------------------------------------------
    async def _factor(self, flow_id: str, factor_id: str, request: RequestInfo
                      ) -> tuple[Loaded, FactorContext, FactorRecord]:
        loaded = await self._reset.load(flow_id, (MFA,), request)
        assert loaded.account is not None
        record = next((f for f in self._reset.usable(loaded) if f.id == factor_id), None)
        if record is None:
            raise CatalogueError("NOT_FOUND", detail={"factor": factor_id[:40]})
        ctx = FactorContext(account=loaded.account, settings=loaded.settings, request=request,
                            now=self._rt.clock.now(), flow_id=loaded.flow.id,
                            origin=request.origin)
        return loaded, ctx, record

    async def challenge(self, flow_id: str, factor_id: str, request: RequestInfo
                        ) -> Challenge:
        """Prepare one of the account's factors: send its code, or WebAuthn options."""
        loaded, ctx, record = await self._factor(flow_id, factor_id, request)
        result = await self._rt.factors.factor(record.kind, ctx).challenge(ctx, record)
        if result.private:
            data: flows.FlowData = {**loaded.flow.data}
            data["challenges"] = {**data.get("challenges", {}), record.id: result.private}
            await self._rt.db.run(flows.advance, loaded.flow.id, (MFA,), MFA, ctx.now,
                                  data=data)
        return result

    async def prove_factor(self, flow_id: str, factor_id: str, response: dict[str, Any],
                           request: RequestInfo) -> Step:
        """The factor's answer, behind the attempt lockout like the code before it."""
        loaded, ctx, record = await self._factor(flow_id, factor_id, request)
        factor = self._rt.factors.factor(record.kind, ctx)
        private = dict(loaded.flow.data.get("challenges", {}).get(record.id, {}))
        keys = await self._r.keys(ctx.account.id, request)

        async def prove() -> FactorRecord | None:
            return await factor.verify(ctx, record, response, private)

        try:
            async with lockout.attempt(self._rt.counters, keys, ctx.settings, self._rt.clock):
                answered = await prove()
        except CatalogueError as error:
            await self._reset.failed("recovery.mfa", error, loaded, request)
            raise
        if answered is None:
            answered = record
            await self._rt.db.run(factor_store.update_data, record.id, last_used_at=ctx.now)
        purpose = str(loaded.flow.data["purpose"])
        amr = [*loaded.flow.data.get("amr", []), str(answered.data.get("amr") or factor.amr),
               "mfa"]
        data: flows.FlowData = {**loaded.flow.data, "amr": amr, "challenges": {}}
        if not await self._rt.db.run(flows.advance, loaded.flow.id, (MFA,), FINISH[purpose],
                                     ctx.now, data=data):
            raise CatalogueError("FLOW_EXPIRED")
        await self._r.audit("recovery.mfa", "success", ctx.account, request,
                            flow_id=loaded.flow.id, factor=record.kind)
        loaded.flow.state, loaded.flow.data = FINISH[purpose], data
        return Step(loaded.flow)

    # Forgot password --------------------------------------------------------------------
    async def new_password(self, flow_id: str, password: str, request: RequestInfo,
                           keep_signed_in: bool = False) -> SignedIn:
        loaded = await self._reset.load(flow_id, (NEW_PASSWORD,), request)
        flow, account, now = loaded.flow, loaded.account, self._rt.clock.now()
        assert account is not None
        if not await self._rt.db.run(flows.advance, flow.id, (NEW_PASSWORD,), SETTING, now):
            raise CatalogueError("FLOW_EXPIRED")
        try:
            await self._rt.directory.set_password(account, password, actor_id=account.id,
                                                  end_sessions=True, min_age=False)
        except CatalogueError as error:
            await self._rt.db.run(flows.advance, flow.id, (SETTING,), NEW_PASSWORD, now)
            await self._reset.failed("recovery.password_reset", error, loaded, request)
            raise
        await self._r.audit("recovery.password_reset", "success", account, request,
                            actor_id=account.id, flow_id=flow.id)
        await self._r.notify(account, notices.password_changed(
            account.language, account.display_name, self._r.stamp(account), by_admin=False))
        flow.keep_signed_in = keep_signed_in
        try:
            return await self._sign_in(loaded, request, (SETTING,),
                                       [*flow.data.get("amr", []), "pwd"])
        except CatalogueError as error:
            error.detail = {**error.detail, "password_changed": True}
            raise

    # Lost second factor -----------------------------------------------------------------
    async def sign_in(self, flow_id: str, password: str, request: RequestInfo,
                      keep_signed_in: bool = False) -> SignedIn | SecondStepRequired:
        loaded = await self._reset.load(flow_id, (PASSWORD,), request)
        flow, account, settings = loaded.flow, loaded.account, loaded.settings
        assert account is not None
        await self._rt.signin.reauthenticate(account, settings, password, request)
        amr = [*flow.data.get("amr", []), "pwd"]
        flow.keep_signed_in = keep_signed_in
        role = account.role.value if account.role else None
        if settings.mfa_required or (role is not None and role in settings.mfa_required_roles):
            await self._before_secret(loaded, request)
            data = {**flow.data, "amr": amr, "challenges": {}}
            if not await self._rt.db.run(flows.advance, flow.id, (PASSWORD,), MFA_ENROLL,
                                         self._rt.clock.now(), data=data,
                                         keep_signed_in=keep_signed_in):
                raise CatalogueError("FLOW_EXPIRED")
            result: SignedIn | SecondStepRequired = SecondStepRequired(
                flow.id, MFA_ENROLL, [], [k for k in self._rt.factors.registry
                                          if k in settings.allowed_factors
                                          and counts_alone(k)], flow.expires_at)
        else:
            result = await self._sign_in(loaded, request, (PASSWORD,), amr)
            await self._rt.db.run(accounts.update_fields, account.id, must_enroll_mfa=True)
        await self._r.audit("recovery.signin", "success", account, request, flow_id=flow.id,
                            next=MFA_ENROLL if isinstance(result, SecondStepRequired)
                            else "security_page")
        await self._r.notify(account, notices.recovered_without_mfa(
            account.language, account.display_name, self._r.stamp(account)))
        return result

    # Own IP restriction -----------------------------------------------------------------
    async def allowed_ips(self, flow_id: str, request: RequestInfo) -> list[IpRule]:
        loaded = await self._reset.load(flow_id, (ALLOWED_IPS,), request)
        return list(loaded.account_rules)

    async def remove_ip_rules(self, flow_id: str, request: RequestInfo,
                              rule_id: str | None = None) -> int:
        """Remove one rule of the person's own list, or all of them (rule_id None)."""
        loaded = await self._reset.load(flow_id, (ALLOWED_IPS,), request)
        assert loaded.account is not None
        chosen = [r for r in loaded.account_rules if rule_id is None or r.id == rule_id]
        if rule_id is not None and not chosen:
            raise CatalogueError("NOT_FOUND")
        for rule in chosen:
            await self._rt.directory.remove_ip_rule("account", loaded.account.id, rule.id,
                                                    actor_id=loaded.account.id)
        await self._ip_changed(loaded, request, removed=len(chosen))
        return len(chosen)

    async def add_current_ip(self, flow_id: str, request: RequestInfo, name: str) -> IpRule:
        loaded = await self._reset.load(flow_id, (ALLOWED_IPS,), request)
        assert loaded.account is not None
        rule = await self._rt.directory.add_ip_rule("account", loaded.account.id,
                                                    str(request.ip), name,
                                                    actor_id=loaded.account.id)
        await self._ip_changed(loaded, request, added=rule.cidr)
        return rule

    async def _ip_changed(self, loaded: Loaded, request: RequestInfo, **detail: Any) -> None:
        account = loaded.account
        assert account is not None
        await self._r.audit("recovery.allowed_ips", "success", account, request,
                            actor_id=account.id, flow_id=loaded.flow.id, **detail)
        if loaded.flow.data.get("ip_notified"):
            return
        data = {**loaded.flow.data, "ip_notified": True}
        await self._rt.db.run(flows.advance, loaded.flow.id, (ALLOWED_IPS,), ALLOWED_IPS,
                              self._rt.clock.now(), data=data)
        await self._r.notify(account, notices.ip_rules_changed(
            account.language, account.display_name, self._r.stamp(account)))

    async def mfa_flag_settled(self, account: Account) -> bool:
        """must_enroll_mfa is done with once a second factor was enrolled after the flag was
        set (a recovery sign-in, an admin's MFA reset): the flag is then cleared."""
        events = await self._rt.db.run(audit.query, audit.AuditQuery(
            account_id=account.id, limit=200), write=False)
        since = next((e.at for e in events if e.event in FLAGGED_BY), None)
        factors = await self._rt.factors.enrolled(account.id)
        if not any(counts_alone(f.kind) and (since is None or f.created_at > since)
                   for f in factors):
            return False
        await self._rt.db.run(accounts.update_fields, account.id, must_enroll_mfa=False)
        return True

    # -------------------------------------------------------------------------------------
    async def _before_secret(self, loaded: Loaded, request: RequestInfo) -> None:
        """The policies a sign-in checks before the password (the allowed IPs), audited."""
        signin = self._rt.signin
        ctx = signin.context(loaded, request, self._rt.clock.now())
        before, _ = plan(loaded.settings.hide_account_existence)
        try:
            for policy in before:
                await policy.check(ctx)
        except CatalogueError as error:
            await signin.undo(ctx)
            await signin.fail(error, loaded.flow, loaded.account, request, ctx)
            raise

    async def _sign_in(self, loaded: Loaded, request: RequestInfo,
                       from_states: tuple[FlowState, ...], amr: list[str]) -> SignedIn:
        """Every policy of a sign-in, then the session (signin/flow.py's own steps)."""
        await self._before_secret(loaded, request)
        signin = self._rt.signin
        assert loaded.account is not None
        ctx = signin.context(loaded, request, self._rt.clock.now())
        return await signin.complete(loaded.flow, from_states, loaded.account, loaded.settings,
                                     request, ctx, amr)
