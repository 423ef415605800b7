"""The sign-in flow: identifier first, then the password, then the policies, then a session.

A flow is a server-side record (store/flows.py) with an expiry; the HTML pages and the JSON
API drive the same flow through this service. Every attempt, success or failure, leaves an
audit event with its code and the policy trace, never the secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from monban.accounts.identifiers import Identifier, classify
from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.clock import Clock
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.passwords.hasher import PasswordHasher
from monban.passwords.rules import normalise
from monban.sessions.device import describe
from monban.sessions.start import LimitReached, SessionRequest, Started, start_session
from monban.signin import existence, lockout
from monban.signin.context import PolicyContext
from monban.signin.policies import PASSWORD_AGE, NotRestricted, plan
from monban.signin.request_info import RequestInfo

if TYPE_CHECKING:
    from monban.signin.second_step import SecondStep, SecondStepRequired
from monban.factors.base import FactorRecord
from monban.signin.flow_access import Loaded, binder_hash_for, loaded_flow, open_flow
from monban.store import accounts, audit, flows, known_browsers
from monban.store.counters import CountedFor, Counters
from monban.store.flow_states import FlowKind, FlowState
from monban.store.ids import new_token
from monban.store.sessions import Session

PASSWORD, SESSION_LIMIT = FlowState.PASSWORD, FlowState.SESSION_LIMIT


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    session: Session
    account: Account


class SignInService:
    def __init__(self, db: Database, counters: Counters, hasher: PasswordHasher, clock: Clock,
                 *, flow_ttl: timedelta, hide_unknown_accounts: bool) -> None:
        self._db = db
        self._counters = counters
        self._hasher = hasher
        self._clock = clock
        self._flow_ttl = flow_ttl
        self._hide_unknown = hide_unknown_accounts
        self.second_step: SecondStep | None = None
        """Set by the runtime once the factors exist (signin/second_step.py)."""

    @property
    def hides_unknown(self) -> bool:
        """The server hides unknown accounts (MONBAN_HIDE_UNKNOWN_ACCOUNTS)."""
        return self._hide_unknown

    async def start(self, identifier: str, request: RequestInfo, keep_signed_in: bool = False
                    ) -> flows.Flow:
        """The identifier step. Unknown identifiers get ACCOUNT_NOT_FOUND, unless existence is
        hidden (server setting, or the org claiming the email's domain), in which case the
        flow goes on and fails at the password like a wrong password would."""
        flow, parsed = self._new_flow(identifier, request, keep_signed_in)
        found = await self._db.run(_start, flow, parsed, self._hide_unknown)
        if found is None:
            raise CatalogueError("ACCOUNT_NOT_FOUND")
        return flow

    def _new_flow(self, identifier: str, request: RequestInfo, keep_signed_in: bool
                  ) -> tuple[flows.Flow, Identifier | None]:
        now = self._clock.now()
        parsed = classify(identifier)
        flow = flows.Flow(
            id=new_token(), kind=FlowKind.SIGNIN, state=PASSWORD, account_id=None,
            ip=str(request.ip), user_agent=request.user_agent[:512],
            device_id=request.device_id, keep_signed_in=keep_signed_in, created_at=now,
            expires_at=now + self._flow_ttl, binder_hash=binder_hash_for(request),
            data={"identifier": _auditable(parsed)})
        return flow, parsed

    async def flow(self, flow_id: str, request: RequestInfo) -> flows.Flow:
        """A live flow of this client's, whatever its state (FLOW_EXPIRED otherwise)."""
        loaded = await open_flow(self._db, self._clock, flow_id, request, account=False)
        return loaded.flow

    async def open(self, flow_id: str, request: RequestInfo, states: tuple[FlowState, ...]
                   ) -> Loaded:
        """A live flow of this client's in one of `states`, naming an account."""
        return await open_flow(self._db, self._clock, flow_id, request, states)

    async def submit_password(self, flow_id: str, password: str, request: RequestInfo,
                              keep_signed_in: bool | None = None
                              ) -> SignedIn | SecondStepRequired:
        """The password step. With a second factor to prove (or to enroll, when the org
        requires one), the flow moves on and SecondStepRequired says what to ask for."""
        loaded = await open_flow(self._db, self._clock, flow_id, request, (PASSWORD,),
                                 account=False)
        return await self._submit(loaded, password, request, keep_signed_in)

    async def start_and_submit(self, identifier: str, password: str, request: RequestInfo,
                               keep_signed_in: bool = False) -> SignedIn | SecondStepRequired:
        """Identifier and password in one call: the same flow, one transaction fewer."""
        flow, parsed = self._new_flow(identifier, request, keep_signed_in)
        loaded = await self._db.run(_start_and_load, flow, parsed, self._hide_unknown,
                                    request.device_id)
        if loaded is None:
            raise CatalogueError("ACCOUNT_NOT_FOUND")
        return await self._submit(loaded, password, request, None)

    async def _submit(self, loaded: Loaded | None, password: str, request: RequestInfo,
                      keep_signed_in: bool | None) -> SignedIn | SecondStepRequired:
        now = self._clock.now()
        if loaded is None or loaded.flow.state != PASSWORD or loaded.flow.expires_at <= now:
            raise CatalogueError("FLOW_EXPIRED")
        flow, account, settings = loaded.flow, loaded.account, loaded.settings
        if keep_signed_in is not None:
            flow.keep_signed_in = keep_signed_in
        account_key = account.id if account else "unknown:" + str(flow.data.get("identifier"))
        keys = lockout.keys_for(account_key, str(request.ip), request.device_id,
                                loaded.known_browser)
        ctx = self.context(loaded, request, now)
        before, _ = plan(settings.hide_account_existence)
        try:
            if account is not None:
                for policy in before:
                    await policy.check(ctx)
            async with lockout.attempt(self._counters, keys, settings, self._clock, ctx):
                verdict = await self._hasher.verify(
                    account.password_hash if account else None, normalise(password))
                if account is None or not verdict.ok:
                    ctx.note("password", False)
                    raise CatalogueError("INVALID_CREDENTIALS")
                ctx.note("password", True)
        except CatalogueError as error:
            await self.undo(ctx)
            await self.fail(error, flow, account, request, ctx)
            raise
        if verdict.needs_rehash:
            new_hash = await self._hasher.hash(normalise(password))
            await self._db.run(accounts.set_password_hash, account.id, new_hash, None)
        try:
            await PASSWORD_AGE.check(ctx)  # too old, or an admin asked for a new one
        except CatalogueError as due:
            from monban.signin.password_change import require_change
            await require_change(self, self._db, loaded, request, ctx, due)
        return await self.after_password(flow, account, settings, request, ctx, loaded.factors)

    async def after_password(self, flow: flows.Flow, account: Account, settings: OrgSettings,
                             request: RequestInfo, ctx: PolicyContext,
                             factors: list[FactorRecord], *,
                             first_amr: tuple[str, ...] = ("pwd",),
                             used_kind: str | None = None) -> SignedIn | SecondStepRequired:
        """The first step is proven (the password, perhaps just replaced by
        signin/password_change.py, or a sign-in code: signin/passwordless.py): the second
        step if one is due, else the session."""
        if ctx.restricted:  # no push, SMS or code is sent for a restricted account (#4)
            try:
                await NotRestricted().check(ctx)
            except CatalogueError as error:
                await self.fail(error, flow, account, request, ctx)
                raise
        if self.second_step is not None:
            required = await self.second_step.required(flow, account, settings, request,
                                                       ctx.now, factors, first_amr=first_amr,
                                                       used_kind=used_kind, ctx=ctx)
            if required is not None:
                return required
        return await self.complete(flow, (PASSWORD,), account, settings, request, ctx,
                                   list(first_amr))

    async def complete(self, flow: flows.Flow, from_states: tuple[FlowState, ...],
                       account: Account,
                       settings: OrgSettings, request: RequestInfo, ctx: PolicyContext,
                       amr: list[str]) -> SignedIn:
        """Every factor is proven: the after-secret policies, then the session."""
        _, after = plan(settings.hide_account_existence)
        try:
            for policy in after:
                await policy.check(ctx)
        except CatalogueError as error:
            await self.undo(ctx)
            await self.fail(error, flow, account, request, ctx)
            raise
        return await self._start_session(flow, from_states, account, settings, request, ctx,
                                         end_others=False, amr=amr)

    async def end_other_sessions_and_continue(self, flow_id: str, request: RequestInfo
                                              ) -> SignedIn:
        """CONCURRENT_SESSION_LIMIT's fix, offered once the password is proven: end this
        account's other browser sessions and finish signing in."""
        now = self._clock.now()
        loaded = await self.open(flow_id, request, (SESSION_LIMIT,))
        assert loaded.account is not None
        ctx = self.context(loaded, request, now)
        before, after = plan(loaded.settings.hide_account_existence)
        try:  # the password was proven on this flow; every other policy runs again
            for policy in before + after:
                await policy.check(ctx)
        except CatalogueError as error:
            await self.undo(ctx)
            await self.fail(error, loaded.flow, loaded.account, request, ctx)
            raise
        return await self._start_session(loaded.flow, (SESSION_LIMIT,), loaded.account,
                                         loaded.settings, request, ctx, end_others=True,
                                         amr=list(loaded.flow.data.get("amr", ["pwd"])))

    async def reauthenticate(self, account: Account, settings: OrgSettings, password: str,
                             request: RequestInfo) -> None:
        """Prove the current password again (before changing it, say): behind the same
        attempt lockout as sign-in, and audited, so a stolen session cannot guess freely."""
        now = self._clock.now()
        known = bool(request.device_id) and await self._db.run(
            known_browsers.is_known, account.id, request.device_id or "", write=False)
        keys = lockout.keys_for(account.id, str(request.ip), request.device_id, known)
        try:
            async with lockout.attempt(self._counters, keys, settings, self._clock,
                                       counted_for=CountedFor(account.id, account.org_id,
                                                              str(request.ip),
                                                              request.user_agent[:512])):
                verdict = await self._hasher.verify(account.password_hash, normalise(password))
                if not verdict.ok:
                    raise CatalogueError("INVALID_CREDENTIALS")
        except CatalogueError as error:
            if error.code != "INVALID_CREDENTIALS":
                raise  # locked out: refused before any password was checked
            await self._db.run(audit.record, audit.AuditEvent(
                at=now, event="reauth.password", outcome="failure", code=error.code,
                account_id=account.id, org_id=account.org_id, identifier=account.label,
                ip=str(request.ip), user_agent=request.user_agent))
            error.language = account.language
            raise

    def context(self, loaded: Loaded, request: RequestInfo, now: datetime) -> PolicyContext:
        return PolicyContext(
            account=loaded.account or _NOBODY, org=loaded.org, settings=loaded.settings,
            request=request, now=now, account_ip_rules=loaded.account_rules,
            org_ip_rules=loaded.org_rules, counters=self._counters,
            known_browser=loaded.known_browser, restricted=loaded.restricted,
            flow_id=loaded.flow.id)

    async def _start_session(self, flow: flows.Flow, from_states: tuple[FlowState, ...],
                             account: Account, settings: OrgSettings, request: RequestInfo,
                             ctx: PolicyContext, *, end_others: bool, amr: list[str]
                             ) -> SignedIn:
        req = SessionRequest(
            flow_id=flow.id, from_states=from_states, account=account, settings=settings,
            request=request, persistent=flow.keep_signed_in, now=ctx.now,
            end_others=end_others, trace=[step.as_dict() for step in ctx.trace],
            amr=",".join(amr), flow_data=flow.data)
        result = await self._db.run(start_session, req)
        if isinstance(result, Started):
            return SignedIn(result.token, result.session, account)
        await self.undo(ctx)
        if result is None:
            raise CatalogueError("FLOW_EXPIRED")
        assert isinstance(result, LimitReached)
        ctx.note("concurrent_session_limit", False, limit=result.limit,
                 live=len(result.live))
        error = CatalogueError("CONCURRENT_SESSION_LIMIT", detail={
            "limit": result.limit, "flow_id": flow.id,
            "sessions": [_session_summary(s) for s in result.live]})
        await self.fail(error, flow, account, request, ctx)
        raise error

    async def undo(self, ctx: PolicyContext) -> None:
        while ctx.undo:
            await ctx.undo.pop()()

    async def fail(self, error: CatalogueError, flow: flows.Flow, account: Account | None,
                   request: RequestInfo, ctx: PolicyContext, event_name: str = "signin.password"
                   ) -> None:
        if account is not None:
            error.language = account.language
        event = audit.AuditEvent(
            at=ctx.now, event=event_name, outcome="failure", code=error.code,
            account_id=account.id if account else None,
            org_id=account.org_id if account else None,
            identifier=account.label if account else flow.data.get("identifier"),
            ip=str(request.ip), user_agent=request.user_agent, flow_id=flow.id,
            detail={"trace": [step.as_dict() for step in ctx.trace],
                    **{k: v for k, v in error.detail.items() if k != "sessions"}})
        await self._db.run(audit.record, event)


_NOBODY = Account(
    id="", org_id=None, role=None, email=None, phone=None, username=None, display_name="",
    language="", timezone="UTC", password_hash=None, password_changed_at=None, disabled=False,
    is_superadmin=False, created_at=datetime.min)


def _auditable(parsed: Identifier | None) -> str | None:
    """What the audit log may keep of a typed identifier: only a well-formed email, number or
    username, so a password typed into the wrong box is never stored."""
    return parsed.value if parsed else None


def _session_summary(session: Session) -> dict[str, Any]:
    return {"id": session.id[:12], "device": describe(session.user_agent), "ip": session.ip,
            "started_at": session.created_at.isoformat(),
            "last_seen_at": session.last_seen_at.isoformat()}


def _start(conn: Connection, flow: flows.Flow, parsed: Identifier | None,
           hide_unknown: bool) -> flows.Flow | None:
    if _find(conn, flow, parsed, hide_unknown) is None:
        return None
    flows.insert(conn, flow)
    return flow


def _find(conn: Connection, flow: flows.Flow, parsed: Identifier | None,
          hide_unknown: bool) -> tuple[Account | None] | None:
    """The account for the identifier (set on the flow), (None,) for an unknown one whose
    existence is hidden, or None for an unknown one (ACCOUNT_NOT_FOUND, audited)."""
    account = accounts.find(conn, parsed) if parsed else None
    if account is None:
        if not existence.unknown_hidden(conn, parsed, hide_unknown):
            audit.record(conn, audit.AuditEvent(
                at=flow.created_at, event="signin.identifier", outcome="failure",
                code="ACCOUNT_NOT_FOUND", identifier=flow.data.get("identifier"), ip=flow.ip,
                user_agent=flow.user_agent, flow_id=flow.id))
            return None
    flow.account_id = account.id if account else None
    return (account,)


def _start_and_load(conn: Connection, flow: flows.Flow, parsed: Identifier | None,
                    hide_unknown: bool, device_id: str | None) -> Loaded | None:
    found = _find(conn, flow, parsed, hide_unknown)
    if found is None:
        return None
    account, = found
    flows.insert(conn, flow)
    return loaded_flow(conn, flow, device_id, account)
