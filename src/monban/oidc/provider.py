"""The provider: the object the HTTP glue calls. It holds the cached clients and keys and
runs the authorization endpoint's decisions; the token-side endpoints live in grants.py,
introspection.py, revocation.py and userinfo.py and take a Provider.

Caches: clients for CLIENT_TTL seconds (dropped at once on a change made in this process;
other processes see a change within CLIENT_TTL), keys as keys.RELOAD says."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy import Connection

from monban.clock import Clock
from monban.crypto.sealing import Sealer
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.oidc import client_auth, id_tokens, keys
from monban.oidc.authorization import (
    AuthorizationRequest,
    RedirectRefusal,
    client_and_redirect,
    parse,
)
from monban.oidc.client_secrets import ClientSecrets
from monban.oidc.clients import ALGS, Client
from monban.oidc.errors import invalid_client
from monban.oidc.keys import KeyRing, Ring
from monban.oidc.webview import is_embedded
from monban.sessions.service import Authenticated
from monban.signin.flow_access import binder_hash_for, open_flow
from monban.signin.request_info import RequestInfo
from monban.store import audit, flows, oidc_clients, oidc_consents, oidc_tokens
from monban.store.flow_states import FlowKind, FlowState
from monban.store.ids import new_id, new_token, token_digest

CLIENT_TTL = 5.0
CODE_TTL = timedelta(seconds=60)
AUDIT_BATCH_SECONDS = 0.25
PARK_TTL = timedelta(minutes=30)
PARKED = FlowKind.OIDC_AUTHORIZE


@dataclass(frozen=True, slots=True)
class Redirect:
    location: str
    client_name: str = ""


@dataclass(frozen=True, slots=True)
class SignInNeeded:
    request: AuthorizationRequest
    fresh: bool
    """The person must authenticate again now (prompt=login, or max_age exceeded)."""


@dataclass(frozen=True, slots=True)
class ConsentNeeded:
    request: AuthorizationRequest
    auth: Authenticated
    """Who is asked (the page names them and speaks their language)."""


@dataclass(frozen=True, slots=True)
class WebViewRefused:
    client: Client
    back: str
    """The redirect carrying the OAuth error to the client (access_denied)."""


Outcome = Redirect | SignInNeeded | ConsentNeeded | WebViewRefused


@dataclass(frozen=True, slots=True)
class LogoutTarget:
    subject: str | None
    """The person a valid id_token_hint names."""
    client_id: str | None
    """The client identified by the hint or by client_id."""
    location: str | None
    """A post_logout_redirect_uri registered for that client (with the state), else None."""


def amr_of(session_amr: str) -> list[str]:
    values = [v for v in session_amr.split(",") if v]
    if len(values) > 1 and "mfa" not in values:
        values.append("mfa")
    return values or ["pwd"]


def acr_of(amr: list[str]) -> str:
    """`urn:monban:acr:mfa` after two factors, `urn:monban:acr:1` after one."""
    return "urn:monban:acr:mfa" if "mfa" in amr else "urn:monban:acr:1"


class Provider:
    def __init__(self, db: Database, clock: Clock, secret_key: str) -> None:
        self.db = db
        self.clock = clock
        self.sealer = Sealer(secret_key)
        self.secrets = ClientSecrets(secret_key)
        self.keys = KeyRing(self.sealer)
        self._clients: dict[str, tuple[Client | None, float]] = {}
        self._audit_buffer: list[audit.AuditEvent] = []
        self._audit_flush: asyncio.Task[None] | None = None

    # -- audit of machine grants ---------------------------------------------------------------
    def audit_soon(self, event: audit.AuditEvent) -> None:
        """Successful client_credentials grants write no other row, and one audit transaction
        each was a fifth of their cost (bench/oidc_throughput.py); a refresh's audit row was
        a fifth of its transaction on the single SQLite writer. Both are written in batches,
        one transaction per AUDIT_BATCH_SECONDS (a crash loses at most that much of them).
        Every other grant and every failure is written in its own transaction, at once."""
        self._audit_buffer.append(event)
        if self._audit_flush is None or self._audit_flush.done():
            self._audit_flush = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(AUDIT_BATCH_SECONDS)
        await self.flush_audit()

    async def flush_audit(self) -> None:
        batch, self._audit_buffer = self._audit_buffer, []
        if batch:
            await self.db.run(audit.record_many, batch)

    # -- caches ------------------------------------------------------------------------------
    async def ring(self) -> Ring:
        """The keys; on the first use ever, a signing key per algorithm (ES256, RS256) is
        generated and stored (one write transaction: nodes starting together do not race)."""
        ring = self.keys.current()
        if ring is None:
            ring = await self.db.run(self.keys.load, self.clock.now(), write=False)
            if len(ring.signing) < len(ALGS):
                await self.db.run(keys.ensure, self.sealer, self.clock.now())
                ring = await self.db.run(self.keys.load, self.clock.now(), write=False)
        return ring

    async def client(self, client_id: str) -> Client | None:
        if not client_id or len(client_id) > 64:
            return None
        cached = self._clients.get(client_id)
        if cached is not None and time.monotonic() - cached[1] < CLIENT_TTL:
            return cached[0]
        client = await self.db.run(oidc_clients.get, client_id, write=False)
        if len(self._clients) > 10000:
            self._clients.clear()
        self._clients[client_id] = (client, time.monotonic())
        return client

    async def authenticate(self, given: client_auth.Credentials, audiences: tuple[str, ...]
                           ) -> Client:
        """The client behind the credentials (client_auth.verify), and for private_key_jwt
        an assertion seen only once (RFC 7523 §3: jti)."""
        client = client_auth.verify(await self.client(given.client_id), given, self.secrets,
                                    audiences)
        if given.method == "private_key_jwt":
            jti, exp = client_auth.assertion_id(given)
            until = datetime.fromtimestamp(exp, tz=UTC)
            if not await self.db.run(oidc_tokens.remember_assertion, client.id, jti, until):
                raise invalid_client("client assertion was already used")
        return client

    def forget_client(self, client_id: str) -> None:
        self._clients.pop(client_id, None)

    def forget_keys(self) -> None:
        self.keys.forget()

    # -- authorization endpoint ----------------------------------------------------------------
    async def authorize(self, params: Mapping[str, str], auth: Authenticated | None,
                        user_agent: str, issuer: str,
                        fresh_after: datetime | None = None) -> Outcome:
        """Raises authorization.PageRefusal (show the person) or RedirectRefusal (tell the
        client); otherwise says what happens next."""
        client, redirect_uri = client_and_redirect(
            params, await self.client(params.get("client_id", "")))
        if not client.allow_webview and is_embedded(user_agent):
            state = params.get("state")
            partial = AuthorizationRequest(
                client=client, redirect_uri=redirect_uri, scope="",
                state=state[:1024] if state else None, nonce=None, code_challenge=None,
                prompt=frozenset(), max_age=None, login_hint="")
            return WebViewRefused(client, partial.redirect(
                issuer, error="access_denied", error_description="disallowed_useragent"))
        request = parse(params, client, redirect_uri)
        now = self.clock.now()
        if auth is None or _stale(auth, request, now, fresh_after):
            if "none" in request.prompt:
                raise RedirectRefusal(request, "login_required", "the person must sign in")
            fresh = auth is not None and (
                "login" in request.prompt or fresh_after is not None or request.max_age
                is not None)
            return SignInNeeded(request, fresh=fresh or "login" in request.prompt)
        if client.org_id and auth.account.org_id != client.org_id \
                and not auth.account.is_superadmin:
            raise RedirectRefusal(request, "access_denied",
                                  "this application is only for its organisation's members")
        if not client.skip_consent:
            granted = await self.db.run(oidc_consents.granted, auth.account.id, client.id,
                                        write=False)
            if "consent" in request.prompt or not request.scopes <= granted:
                if "none" in request.prompt:
                    raise RedirectRefusal(request, "consent_required",
                                          "the person has not agreed to these scopes")
                return ConsentNeeded(request, auth)
        return Redirect(await self._issue_code(request, auth, issuer, remember=False),
                        client.name)

    async def decide_consent(self, params: Mapping[str, str], auth: Authenticated,
                             issuer: str, approve: bool) -> Redirect:
        """The consent page's answer (the same request, checked again)."""
        client, redirect_uri = client_and_redirect(
            params, await self.client(params.get("client_id", "")))
        request = parse(params, client, redirect_uri)
        request = replace(request, prompt=request.prompt - {"consent"})
        if request.max_age is not None and _stale(auth, request, self.clock.now(), None):
            raise RedirectRefusal(request, "login_required", "the authentication is too old")
        if not approve:
            return Redirect(RedirectRefusal(request, "access_denied",
                                            "the person did not agree").location(issuer))
        return Redirect(await self._issue_code(request, auth, issuer, remember=True))

    async def _issue_code(self, request: AuthorizationRequest, auth: Authenticated,
                          issuer: str, *, remember: bool) -> str:
        code = new_token()
        now = self.clock.now()
        amr = amr_of(auth.session.amr)
        grant = oidc_tokens.Grant(
            id=new_id(), client_id=request.client.id, account_id=auth.account.id,
            session_id=auth.session.id, scope=request.scope,
            auth_time=auth.session.created_at, amr=",".join(amr), acr=acr_of(amr),
            created_at=now)
        stored = oidc_tokens.StoredCode(
            digest=token_digest(code), grant_id=grant.id, client_id=request.client.id,
            redirect_uri=request.redirect_uri, nonce=request.nonce,
            code_challenge=request.code_challenge, expires_at=now + CODE_TTL)
        await self.db.run(_store_code, grant, stored, remember, request.scopes, now)
        return request.redirect(issuer, code=code)

    # -- a request waiting for the person to sign in ------------------------------------------
    async def park(self, params: Mapping[str, str], fresh_after: datetime | None,
                   request: RequestInfo) -> str:
        """Keeps the authorization request server-side (a flow of kind `oidc_authorize`)
        while the person signs in, so the sign-in pages carry a short `next` and the
        freshness demanded by prompt=login / max_age cannot be edited away. Bound to the
        browser that sent it, like every flow (signin/flow_access.py)."""
        now = self.clock.now()
        flow = flows.Flow(id=new_token(), kind=PARKED, state=FlowState.PENDING,
                          account_id=None, ip=str(request.ip)[:45],
                          user_agent=request.user_agent[:512], device_id=None,
                          keep_signed_in=False, created_at=now, expires_at=now + PARK_TTL,
                          binder_hash=binder_hash_for(request),
                          data={"params": dict(params),
                                "fresh_after": fresh_after.isoformat() if fresh_after
                                else None})
        await self.db.run(flows.insert, flow)
        return flow.id

    async def resume(self, flow_id: str, request: RequestInfo
                     ) -> tuple[dict[str, str], datetime | None]:
        """The parked request, for the browser that parked it (FLOW_EXPIRED otherwise)."""
        if not flow_id or len(flow_id) > 60:
            raise CatalogueError("FLOW_EXPIRED")
        loaded = await open_flow(self.db, self.clock, flow_id, request, (FlowState.PENDING,),
                                 kinds=(PARKED,), account=False)
        fresh = loaded.flow.data.get("fresh_after")
        return (dict(loaded.flow.data["params"]),
                datetime.fromisoformat(fresh) if fresh else None)

    # -- logout ---------------------------------------------------------------------------
    async def logout_target(self, params: Mapping[str, str], issuer: str) -> LogoutTarget:
        """Who an RP-initiated logout names and where it may return (RP-Initiated Logout 1.0
        §2-3): the subject of a valid id_token_hint, the client identified by that hint's
        audience or by client_id (both given: they must agree, else neither counts), and the
        post_logout_redirect_uri only when it is registered for that client."""
        ring = await self.ring()
        hint = params.get("id_token_hint", "")
        claims = id_tokens.read_hint(hint, ring.verifying, issuer) if hint else None
        audience = _single_audience(claims)
        given = params.get("client_id", "")
        if claims is not None and (audience is None or (given and given != audience)):
            return LogoutTarget(None, None, None)
        client = await self.client(audience or given)
        target = params.get("post_logout_redirect_uri")
        location = None
        if client is not None and target and target in client.post_logout_redirect_uris:
            location = target
            state = params.get("state")
            if state:
                location += ("&" if "?" in target else "?") + urlencode({"state": state})
        subject = str(claims["sub"]) if claims and claims.get("sub") else None
        return LogoutTarget(subject, client.id if client else None, location)


def _single_audience(claims: Mapping[str, object] | None) -> str | None:
    """The one client an ID token was issued to (Monban's carry one audience)."""
    if claims is None:
        return None
    audience = claims.get("aud")
    if isinstance(audience, list):
        audience = audience[0] if len(audience) == 1 else None
    return audience if isinstance(audience, str) and audience else None


def _stale(auth: Authenticated, request: AuthorizationRequest, now: datetime,
           fresh_after: datetime | None) -> bool:
    started = auth.session.created_at
    if fresh_after is not None and started < fresh_after:
        return True
    if "login" in request.prompt and fresh_after is None:
        return True
    return request.max_age is not None and (now - started).total_seconds() > request.max_age


def _store_code(conn: Connection, grant: oidc_tokens.Grant, code: oidc_tokens.StoredCode,
                remember: bool, scopes: frozenset[str], now: datetime) -> None:
    oidc_tokens.insert_grant(conn, grant)
    oidc_tokens.insert_code(conn, code)
    if remember and grant.account_id:
        oidc_consents.remember(conn, grant.account_id, grant.client_id, scopes, now)
