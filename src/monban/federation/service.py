"""The federated sign-in round trip, as a flow (store/flows.py):

1. `start`: a flow in state `federated_redirect` holds the provider, the PKCE verifier, the
   nonce and where to go back; its id is the OAuth `state` (256 random bits). The browser is
   sent to the provider.
2. `finish`: the provider's answer (code, state, iss) moves the flow on in one atomic
   statement, so a replayed or racing callback finds nothing; the code is redeemed and the
   ID token verified (oidc_client.py); linking.py says which account it is.
3. Then the rest of signing in applies, as after a password (signin/flow.py): allowed IPs,
   the attempt lockout, the second step per org setting (the provider's MFA counts only if
   the org trusts it and amr says "mfa"), the daily limit, the session limit. amr: "fed".

A "link" flow (from the security page, for a signed-in account) ends by linking instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from monban.accounts.model import Account
from monban.clock import Clock
from monban.config import Settings
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.federation import linking
from monban.federation.identity import UpstreamIdentity, refused, unreachable
from monban.federation.metadata import MetadataCache
from monban.federation.oidc_client import OidcClient
from monban.federation.provider import Provider
from monban.federation.registry import ProviderRegistry
from monban.signin import lockout
from monban.signin.flow import SignedIn, SignInService
from monban.signin.flow_access import binder_hash_for, open_flow
from monban.signin.policies import BEFORE_SECRET
from monban.signin.request_info import RequestInfo
from monban.signin.second_step import SecondStepRequired
from monban.store import audit, federated_links, flows
from monban.store import identity_providers as provider_rows
from monban.store.counters import Counters
from monban.store.flow_states import FlowKind, FlowState
from monban.store.ids import new_token

KIND = FlowKind.FEDERATED
REDIRECTED = FlowState.FEDERATED_REDIRECTED
ANSWERED = FlowState.FEDERATED_ANSWERED
"""The provider answered for this flow (single-use); a link flow ends here."""
PROVEN = FlowState.FEDERATED
"""The provider's answer is verified and names an account: like `password` for passwords."""
CALLBACK_PATH = "/signin/federated/callback"
SIGNIN, LINK = "signin", "link"
BUTTONS_TTL = 5.0
WEB, API = "web", "api"


@dataclass(frozen=True, slots=True)
class Redirect:
    flow_id: str
    url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Linked:
    link: federated_links.Link
    provider: Provider
    next_url: str


@dataclass(frozen=True, slots=True)
class Finished:
    """A sign-in that went through: signed in, or a second step to do."""

    result: SignedIn | SecondStepRequired
    next_url: str


class FederationService:
    def __init__(self, db: Database, clock: Clock, settings: Settings,
                 registry: ProviderRegistry, signin: SignInService, counters: Counters,
                 http: httpx.AsyncClient | None = None) -> None:
        self._db = db
        self._counters = counters
        self._clock = clock
        self._settings = settings
        self.registry = registry
        self._signin = signin
        self._http = http or httpx.AsyncClient(timeout=10.0, follow_redirects=False,
                                               headers={"user-agent": "Monban"})
        self.client = OidcClient(self._http, MetadataCache(self._http))
        self._flow_ttl = timedelta(seconds=settings.flow_ttl_seconds)
        self._buttons: tuple[float, int, list[Provider]] = (-BUTTONS_TTL, -1, [])

    async def close(self) -> None:
        await self._http.aclose()

    def redirect_uri(self, request: RequestInfo) -> str:
        base = self._settings.base_url.rstrip("/") or request.origin.rstrip("/")
        return base + CALLBACK_PATH

    def cached_buttons(self) -> list[Provider]:
        """The server-wide "Sign in with …" buttons for a page being rendered: read at most
        every BUTTONS_TTL seconds (a page render is synchronous; one short indexed read)."""
        at, generation, found = self._buttons
        if time.monotonic() - at > BUTTONS_TTL or generation != self.registry.generation:
            rows = self._db.transaction(provider_rows.list_all, None, write=False)
            found = [self.registry.opened(row) for row in rows if row.enabled]
            self._buttons = (time.monotonic(), self.registry.generation, found)
        return found

    async def buttons(self, org_id: str | None = None) -> list[Provider]:
        """Enabled providers for the sign-in page: server-wide ones (and an org's own)."""
        return [p for p in await self.registry.list(org_id) if p.enabled]

    # 1. Off to the provider ---------------------------------------------------------------
    async def start(self, slug: str, request: RequestInfo, *, via: str = WEB,
                    keep_signed_in: bool = False, next_url: str = "/account/security",
                    purpose: str = SIGNIN, account: Account | None = None) -> Redirect:
        provider = await self.registry.get(slug)
        if not provider.enabled:
            raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"provider": slug[:64]})
        now = self._clock.now()
        state, nonce = new_token(), new_token()
        redirect_uri = self.redirect_uri(request)
        started = await self.client.begin(provider, redirect_uri, state, nonce)
        flow = flows.Flow(
            id=state, kind=KIND, state=REDIRECTED,
            account_id=account.id if account else None, ip=str(request.ip),
            user_agent=request.user_agent[:512], device_id=request.device_id,
            keep_signed_in=keep_signed_in, created_at=now, expires_at=now + self._flow_ttl,
            binder_hash=binder_hash_for(request),
            data={"provider": provider.slug, "provider_id": provider.id, "nonce": nonce,
                  "code_verifier": started.code_verifier, "redirect_uri": redirect_uri,
                  "purpose": purpose, "via": via, "next": next_url,
                  "identifier": f"{provider.slug}:"})
        await self._db.run(flows.insert, flow)
        return Redirect(flow.id, started.url, flow.expires_at)

    # 2. The provider's answer -----------------------------------------------------------
    async def finish(self, *, state: str, code: str | None, iss: str | None,
                     error: str | None, request: RequestInfo, via: str,
                     account: Account | None = None) -> Finished | Linked:
        """`state` names the flow; only the client that started it (its binder, like every
        flow's: signin/flow_access.py) can finish it, which is also the login-CSRF defence:
        a callback URL handed to someone else's browser finds no flow there."""
        now = self._clock.now()
        flow = (await open_flow(self._db, self._clock, state, request, (REDIRECTED,),
                                kinds=(KIND,), account=False)).flow
        provider = await self.registry.by_id(str(flow.data.get("provider_id")))
        if provider is None or not provider.enabled:
            raise CatalogueError("FLOW_EXPIRED")
        name = provider.display_name
        try:
            if flow.data.get("via") != via:
                raise refused(name, "flow_started_elsewhere")
            if flow.data.get("purpose") == LINK and (
                    account is None or account.id != flow.account_id):
                raise refused(name, "link_not_this_account")
            if not await self._db.run(flows.advance, flow.id, (REDIRECTED,), ANSWERED, now):
                raise CatalogueError("FLOW_EXPIRED")
            if error:
                raise unreachable(name, "provider_" + "".join(
                    c for c in error[:40] if c.isalnum() or c == "_"))
            if not code:
                raise refused(name, "code_missing")
            await self._check_iss(provider, iss)
            identity = await self.client.finish(
                provider, code[:2048], str(flow.data["redirect_uri"]),
                str(flow.data["code_verifier"]), str(flow.data["nonce"]),
                int(now.timestamp()))
        except CatalogueError as failure:
            await self._audit_failure(failure, flow, provider, request, now)
            raise
        next_url = str(flow.data.get("next") or "/account/security")
        if flow.data.get("purpose") == LINK:
            assert account is not None
            try:
                created = await self._db.run(linking.link, account, provider, identity, now)
            except CatalogueError as failure:
                await self._audit_failure(failure, flow, provider, request, now)
                raise
            return Linked(created, provider, next_url)
        result = await self._sign_in(flow, provider, identity, request, now)
        return Finished(result, next_url)

    async def _check_iss(self, provider: Provider, iss: str | None) -> None:
        """RFC 9207: the answer names its issuer (mix-up defence) when the provider says it
        does; a different issuer is refused."""
        endpoints = await self.client.cache.endpoints(provider)
        if iss is None:
            if endpoints.iss_parameter:
                raise refused(provider.display_name, "iss_missing")
            return
        template = str(provider.config.get("issuer_template") or "")
        if iss != provider.issuer and not (template and _fits(template, iss)):
            raise refused(provider.display_name, "iss_mismatch")

    # 3. The rest of signing in ------------------------------------------------------------
    async def _sign_in(self, flow: flows.Flow, provider: Provider, identity: UpstreamIdentity,
                       request: RequestInfo, now: datetime) -> SignedIn | SecondStepRequired:
        language = request.language or self._settings.default_language
        try:
            resolved = await self._db.run(linking.resolve, provider, identity, now, language)
        except CatalogueError as failure:
            await self._audit_failure(failure, flow, provider, request, now, identity)
            raise
        account = resolved.account
        data = {**flow.data, "amr": ["fed"], "identifier": account.label}
        for secret in ("code_verifier", "nonce"):
            data.pop(secret, None)
        if not await self._db.run(flows.advance, flow.id, (ANSWERED,), PROVEN, now,
                                  account_id=account.id, data=data):
            raise CatalogueError("FLOW_EXPIRED")
        loaded = await open_flow(self._db, self._clock, flow.id, request, (PROVEN,),
                                 kinds=(KIND,))
        assert loaded.account is not None
        service = self._signin
        ctx = service.context(loaded, request, now)
        ctx.note("federated", True, provider=provider.slug, created=resolved.created,
                 email_updated=resolved.email_changed_from is not None,
                 provider_mfa=identity.did_mfa)
        keys = lockout.keys_for(account.id, str(request.ip), request.device_id,
                                loaded.known_browser)
        settings = loaded.settings
        try:
            for policy in BEFORE_SECRET:  # allowed IPs, before anything is counted
                await policy.check(ctx)
            async with lockout.attempt(self._counters, keys, settings, self._clock, ctx):
                pass  # the provider proved the person: a success, which clears the counts
        except CatalogueError as failure:
            await service.undo(ctx)
            await self._audit_failure(failure, loaded.flow, provider, request, now, identity,
                                      account, ctx.trace)
            raise
        trusted = settings.federated_trust_mfa and identity.did_mfa
        if not trusted and service.second_step is not None:
            required = await service.second_step.required(
                loaded.flow, account, settings, request, now, loaded.factors,
                first_amr=("fed",), from_states=(PROVEN,), ctx=ctx)
            if required is not None:
                return required
        amr = ["fed", "mfa"] if trusted else ["fed"]
        return await service.complete(loaded.flow, (PROVEN,), account, settings, request,
                                      ctx, amr)

    async def _audit_failure(self, failure: CatalogueError, flow: flows.Flow, provider: Provider,
                             request: RequestInfo, now: datetime,
                             identity: UpstreamIdentity | None = None,
                             account: Account | None = None,
                             trace: list[Any] | None = None) -> None:
        if account is not None:
            failure.language = account.language
        detail: dict[str, Any] = {"provider": provider.slug, **failure.detail}
        if identity is not None:
            detail["subject"] = identity.subject
        if trace:
            detail["trace"] = [step.as_dict() for step in trace]
        await self._db.run(audit.record, audit.AuditEvent(
            at=now, event="signin.federated", outcome="failure", code=failure.code,
            account_id=account.id if account else None,
            org_id=account.org_id if account else provider.org_id,
            identifier=(identity.email if identity else None) or f"{provider.slug}:",
            ip=str(request.ip), user_agent=request.user_agent, flow_id=flow.id,
            detail=detail))

    # Linked accounts ----------------------------------------------------------------------
    async def links(self, account: Account) -> list[tuple[federated_links.Link, Provider | None]]:
        found = await self._db.run(federated_links.list_for, account.id, write=False)
        return [(item, await self.registry.by_id(item.provider_id)) for item in found]

    async def unlink(self, account: Account, link_id: str) -> None:
        await self._db.run(linking.unlink, account, link_id[:64], self._clock.now())


def _fits(template: str, iss: str) -> bool:
    head, _, tail = template.partition("{tid}")
    middle = iss[len(head):len(iss) - len(tail)] if tail else iss[len(head):]
    return (iss.startswith(head) and iss.endswith(tail) and bool(middle)
            and "/" not in middle)
