"""Passwordless sign-in: instead of the password, a one-time code sent to the account's own
email address or mobile number (FEATURES §5, the seed page's related article).

The code is a first step like the password, in the same flow and behind the same gates: the
allowed-IP check before anything is sent, the attempt lockout around the code (wrong codes
count with wrong passwords), then the after-secret policies, the second step and the session.
The channel that carried the code is not offered again as the second step. An org may switch
the method off (`passwordless_allowed`), and codes are never sent to addresses on domains whose
mail the org hosts (`mail_hosted_domains`): reading that mail needs this very sign-in. Either
refusal is SIGNIN_METHOD_NOT_ALLOWED.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from monban.accounts.identifiers import classify, email_domain
from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.clock import Clock
from monban.crypto.code_hash import CodeHasher
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.factors.one_time_codes import RESEND_AFTER, TTL, consume, mask, send
from monban.factors.registry import counts_alone
from monban.notify.messages import code_email, code_sms
from monban.notify.outgoing import Origin, Outgoing
from monban.notify.senders import Senders
from monban.signin import lockout
from monban.signin.flow import PASSWORD, SignedIn, SignInService
from monban.signin.flow_access import Loaded, open_flow
from monban.signin.policies import plan
from monban.signin.request_info import RequestInfo
from monban.signin.second_step import SecondStepRequired
from monban.store import audit, flows, orgs
from monban.store.counters import Counters
from monban.store.otp_challenges import Scope

PURPOSE = "signin"
STEP = "signin_code"
AMR = {"sms": ("sms",), "email": ("otp",)}
"""RFC 8176 has "sms" for a code by text message and only "otp" for one by email."""


@dataclass(frozen=True, slots=True)
class CodeSent:
    flow_id: str
    sent_to: str
    """Masked: "h•••@example.com", "+81 ••••5678"."""
    resend_after: int
    expires_at: datetime


def destination(account: Account, settings: OrgSettings, typed: str,
                avoid: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(channel, target) for this account's sign-in code, or SIGNIN_METHOD_NOT_ALLOWED.
    The typed mobile number first, else the email address, else the mobile number; never a
    domain whose mail the org hosts, and never a channel in `avoid` (the account's only
    second factor: the same phone cannot be both steps)."""
    if not settings.passwordless_allowed:
        raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"method": "code",
                                                               "reason": "org"})
    parsed = classify(typed)
    domain = (account.email or "").rpartition("@")[2].lower()
    hosted = bool(account.email) and domain in settings.mail_hosted_domains
    candidates: list[tuple[str, str]] = []
    if parsed is not None and parsed.kind == "phone" and account.phone:
        candidates.append(("sms", account.phone))
    if account.email and not hosted:
        candidates.append(("email", account.email))
    if account.phone:
        candidates.append(("sms", account.phone))
    usable = [c for c in candidates if c[0] not in avoid]
    if usable:
        return usable[0]
    reason = ("same_factor" if candidates else "mail_hosted" if hosted else "no_destination")
    raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"method": "code", "reason": reason})


class Passwordless:
    def __init__(self, db: Database, counters: Counters, clock: Clock, codes: CodeHasher,
                 senders: Senders, signin: SignInService) -> None:
        self._db, self._counters, self._clock = db, counters, clock
        self._codes, self._senders, self._signin = codes, senders, signin

    async def send_code(self, flow_id: str, request: RequestInfo) -> CodeSent:
        """Send (or send again, after the resend wait) a sign-in code for this flow."""
        now = self._clock.now()
        loaded = await self._flow(flow_id, now, request)
        flow, account, settings = loaded.flow, loaded.account, loaded.settings
        typed = str(flow.data.get("identifier") or "")
        expires_at = now + TTL
        if account is None:
            # An unknown identifier whose existence the org hides: the answer a member of
            # that org would get (the org's switch, its hosted mail domains, the resend
            # wait), and no code.
            await self._as_if_known(typed)
            await self._db.run(_pretend, flow, typed, now)
            parsed = classify(typed)
            nothing = (Outgoing.sms("code", typed, "") if parsed and parsed.kind == "phone"
                       else Outgoing.email("code", typed, "", ""))
            await self._senders.pretend(nothing, Origin(ip=request.ip))
            return CodeSent(flow_id, mask(typed), int(RESEND_AFTER.total_seconds()),
                            expires_at)
        ctx = self._signin.context(loaded, request, now)
        before, _ = plan(settings.hide_account_existence)
        try:
            for policy in before:
                await policy.check(ctx)
            channel, target = destination(account, settings, typed,
                                          self._only_second_factor(loaded))
        except CatalogueError as error:
            await self._signin.fail(error, flow, account, request, ctx, "signin.code")
            raise
        scope = Scope(account.id, PURPOSE, channel, target, flow_id)
        data = {**flow.data, "code_channel": channel, "code_sent_to": mask(target)}
        hidden = settings.hide_account_existence or self._signin.hides_unknown
        await send(self._db, self._codes, scope, now,
                   lambda code: self._deliver(account, channel, target, code, request,
                                              after_answer=hidden),
                   then=lambda conn: _remember(conn, flow_id, data, now))
        await self._db.run(audit.record, audit.AuditEvent(
            at=now, event="signin.code_sent", outcome="success", account_id=account.id,
            org_id=account.org_id, identifier=account.label, ip=str(request.ip),
            user_agent=request.user_agent, flow_id=flow_id, detail={"channel": channel}))
        return CodeSent(flow_id, mask(target), int(RESEND_AFTER.total_seconds()), expires_at)

    async def submit_code(self, flow_id: str, code: str, request: RequestInfo,
                          keep_signed_in: bool | None = None
                          ) -> SignedIn | SecondStepRequired:
        now = self._clock.now()
        loaded = await self._flow(flow_id, now, request)
        flow, account, settings = loaded.flow, loaded.account, loaded.settings
        channel = str(flow.data.get("code_channel") or "")
        if keep_signed_in is not None:
            flow.keep_signed_in = keep_signed_in
        account_key = account.id if account else "unknown:" + str(flow.data.get("identifier"))
        keys = lockout.keys_for(account_key, str(request.ip), request.device_id,
                                loaded.known_browser)
        ctx = self._signin.context(loaded, request, now)
        before, _ = plan(settings.hide_account_existence)
        try:
            if account is not None:
                for policy in before:
                    await policy.check(ctx)
            async with lockout.attempt(self._counters, keys, settings, self._clock, ctx):
                try:
                    if account is None or channel not in AMR:
                        raise CatalogueError("INVALID_OTP")
                    target = account.phone if channel == "sms" else account.email
                    scope = Scope(account.id, PURPOSE, channel, target or "", flow_id)
                    await self._db.run(consume, self._codes, scope, code, now)
                except CatalogueError:
                    ctx.note(STEP, False, channel=channel or None)
                    raise
                ctx.note(STEP, True, channel=channel)
        except CatalogueError as error:
            await self._signin.undo(ctx)
            await self._signin.fail(error, flow, account, request, ctx, "signin.code")
            raise
        assert account is not None
        return await self._signin.after_password(flow, account, settings, request, ctx,
                                                 loaded.factors, first_amr=AMR[channel],
                                                 used_kind=channel)

    async def _as_if_known(self, typed: str) -> None:
        parsed = classify(typed)
        domain = email_domain(parsed) if parsed else None
        org = await self._db.run(orgs.for_domain, domain, write=False) if domain else None
        if org is None:
            return
        if not org.settings.passwordless_allowed:
            raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"method": "code",
                                                                   "reason": "org"})
        if domain in org.settings.mail_hosted_domains:
            raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"method": "code",
                                                                   "reason": "mail_hosted"})

    def _only_second_factor(self, loaded: Loaded) -> frozenset[str]:
        """The kind of the account's second factors when they are all of one kind."""
        second = self._signin.second_step
        if second is None or loaded.account is None:
            return frozenset()
        strong = {f.kind for f in second.manager.usable_of(loaded.factors, loaded.settings)
                  if counts_alone(f.kind)}
        return frozenset(strong) if len(strong) == 1 else frozenset()

    async def _flow(self, flow_id: str, now: datetime, request: RequestInfo) -> Loaded:
        return await open_flow(self._db, self._clock, flow_id, request, (PASSWORD,),
                               account=False)

    async def _deliver(self, account: Account, channel: str, target: str, code: str,
                       request: RequestInfo, after_answer: bool = False) -> None:
        minutes = int(TTL.total_seconds() // 60)
        origin = Origin(account, request.ip)
        if channel == "sms":
            await self._senders.send(Outgoing.sms(
                "code", target, code_sms(account.language, code, minutes)), origin,
                after_answer=after_answer)
            return
        subject, body = code_email(account.language, code, minutes, account.display_name)
        await self._senders.send(Outgoing.email("code", target, subject, body), origin,
                                 after_answer=after_answer)


def _pretend(conn: Connection, flow: flows.Flow, typed: str, now: datetime) -> None:
    """An unknown hidden identifier's flow: the resend wait a member's code has
    (one_time_codes.issue), kept on the flow, and nothing sent."""
    last = flow.data.get("code_pretended_at")
    if isinstance(last, str) and now - datetime.fromisoformat(last) < RESEND_AFTER:
        wait = math.ceil((RESEND_AFTER - (now - datetime.fromisoformat(last))).total_seconds())
        raise CatalogueError("INVALID_REQUEST", detail={"retry_after": max(wait, 1)})
    channel = "email" if "@" in typed else "sms"
    _remember(conn, flow.id, {**flow.data, "code_channel": channel, "code_sent_to": mask(typed),
                              "code_pretended_at": now.isoformat()}, now)


def _remember(conn: Connection, flow_id: str, data: dict[str, object], now: datetime
              ) -> None:
    """The flow now expects a code by this channel (it still takes the password too)."""
    flows.advance(conn, flow_id, (PASSWORD,), PASSWORD, now, data=data)
