"""Federated sign-in as JSON: the providers, "sign in with …" (start, then hand back the
provider's answer), linked accounts, and the providers' administration."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from monban.admin.authorization import Action, Target, authorize
from monban.api.auth import current_session
from monban.api.flow_token import FLOW_TOKEN
from monban.api.models import Strict
from monban.api.views import account_view, second_step_view, session_view
from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import flow_binder, request_info
from monban.errors import CatalogueError
from monban.federation.provider import Provider
from monban.federation.service import API, LINK, Finished, Linked, Redirect
from monban.sessions.service import Authenticated
from monban.signin.second_step import SecondStepRequired
from monban.store.federated_links import Link

router = APIRouter(tags=["federated sign-in"])
NO_STORE = {"Cache-Control": "no-store"}



class StartFederated(Strict):
    provider: str = Field(min_length=1, max_length=64)
    keep_signed_in: bool = False


class ProviderAnswer(Strict):
    """The query of the provider's redirect back (RFC 6749 §4.1.2, RFC 9207 `iss`)."""

    state: str = Field(min_length=1, max_length=100)
    code: str | None = Field(default=None, max_length=2048)
    iss: str | None = Field(default=None, max_length=500)
    error: str | None = Field(default=None, max_length=100)


class NewProvider(Strict):
    slug: str = Field(min_length=1, max_length=64)
    client_id: str = Field(min_length=1, max_length=500)
    client_secret: str = Field(min_length=1, max_length=2000)
    preset: str | None = Field(default=None, max_length=32)
    issuer: str | None = Field(default=None, max_length=500)
    display_name: str | None = Field(default=None, max_length=200)
    org: str | None = Field(default=None, max_length=64)
    """An org's slug or id: the provider is that org's own IdP (else server-wide)."""
    auto_create: bool = False
    scopes: list[str] | None = Field(default=None, max_length=20)


def provider_view(provider: Provider) -> dict[str, Any]:
    return {**provider.public(), "id": provider.id, "issuer": provider.issuer,
            "preset": provider.preset, "client_id": provider.client_id,
            "auto_create": provider.auto_create, "enabled": provider.enabled,
            "scopes": provider.scopes, "created_at": provider.created_at.isoformat()}


def link_view(link: Link, provider: Provider | None) -> dict[str, Any]:
    return {"id": link.id, "provider": provider.public() if provider else None,
            "issuer": link.issuer, "email": link.email,
            "linked_at": link.linked_at.isoformat(),
            "last_used_at": link.last_used_at.isoformat() if link.last_used_at else None}


def _redirect_view(started: Redirect, request: Request) -> dict[str, Any]:
    """`flow_token`: present it as `X-Flow-Token` when posting the provider's answer."""
    return {"flow_id": started.flow_id, "authorization_url": started.url,
            "expires_at": started.expires_at.isoformat(), "flow_token": flow_binder(request)}


@router.get("/api/v1/signin/providers")
async def providers(request: Request) -> Any:
    """The server-wide providers a sign-in page offers ("Sign in with …")."""
    found = await runtime_of(request).federation.buttons()
    return {"providers": [p.public() for p in found]}


@router.post("/api/v1/signin/federated", status_code=201, dependencies=[FLOW_TOKEN])
async def start(body: StartFederated, request: Request) -> Any:
    """Start signing in with a provider: send the person to `authorization_url`. The
    provider redirects back to Monban's callback URL with `code`, `state` (= `flow_id`) and
    `iss`; post those to /api/v1/signin/federated/callback with the `X-Flow-Token` header
    set to `flow_token` (only the starter can finish: a stolen `state` finds no flow)."""
    started = await runtime_of(request).federation.start(
        body.provider, request_info(request), via=API, keep_signed_in=body.keep_signed_in)
    return JSONResponse(_redirect_view(started, request), status_code=201,
                        headers=NO_STORE)


@router.post("/api/v1/signin/federated/callback", dependencies=[FLOW_TOKEN])
async def callback(body: ProviderAnswer, request: Request) -> Any:
    """The provider's answer: signed in (token + session), a second step to do, or a
    catalogue error (FEDERATED_EMAIL_CONFLICT with `detail.fixes`, FEDERATED_LINK_REQUIRED,
    ACCOUNT_NOT_FOUND, FEDERATED_RESPONSE_INVALID, …)."""
    runtime = runtime_of(request)
    outcome = await runtime.federation.finish(
        state=body.state, code=body.code, iss=body.iss, error=body.error,
        request=request_info(request), via=API)
    assert isinstance(outcome, Finished)
    result = outcome.result
    if isinstance(result, SecondStepRequired):
        return JSONResponse(second_step_view(result), headers=NO_STORE)
    response = JSONResponse({
        "state": "done", "token": result.token,
        "session": session_view(result.session, result.session.id),
        "account": account_view(result.account)}, headers=NO_STORE)
    cookies.set_session(response, runtime, request, result.token, result.session.persistent,
                        result.session.expires_at, runtime.clock.now())
    return response


# Linked accounts ------------------------------------------------------------------------
@router.get("/api/v1/me/linked-accounts", tags=["my account"])
async def linked(request: Request, auth: Authenticated = Depends(current_session)) -> Any:
    links = await runtime_of(request).federation.links(auth.account)
    return {"linked_accounts": [link_view(link, provider) for link, provider in links]}


@router.post("/api/v1/me/linked-accounts", status_code=201, tags=["my account"],
             dependencies=[FLOW_TOKEN])
async def link(body: StartFederated, request: Request,
               auth: Authenticated = Depends(current_session)) -> Any:
    """Link a provider to this (signed-in) account: send the person to `authorization_url`,
    then post the provider's answer to /api/v1/me/linked-accounts/callback."""
    started = await runtime_of(request).federation.start(
        body.provider, request_info(request), via=API, purpose=LINK, account=auth.account)
    return JSONResponse(_redirect_view(started, request), status_code=201,
                        headers=NO_STORE)


@router.post("/api/v1/me/linked-accounts/callback", tags=["my account"], dependencies=[FLOW_TOKEN])
async def link_callback(body: ProviderAnswer, request: Request,
                        auth: Authenticated = Depends(current_session)) -> Any:
    outcome = await runtime_of(request).federation.finish(
        state=body.state, code=body.code, iss=body.iss, error=body.error,
        request=request_info(request), via=API, account=auth.account)
    if not isinstance(outcome, Linked):
        raise CatalogueError("FLOW_EXPIRED")
    return {"linked_account": link_view(outcome.link, outcome.provider)}


@router.delete("/api/v1/me/linked-accounts/{link_id}", tags=["my account"])
async def unlink(link_id: str, request: Request,
                 auth: Authenticated = Depends(current_session)) -> Any:
    """Unlink: refused with LAST_SIGNIN_METHOD when it is the only way to sign in."""
    await runtime_of(request).federation.unlink(auth.account, link_id)
    return {"unlinked": True}


# Administration ---------------------------------------------------------------------------
@router.get("/api/v1/admin/identity-providers", tags=["admin"])
async def list_providers(request: Request, org: str | None = None,
                         auth: Authenticated = Depends(current_session)) -> Any:
    """Superadmins: every provider, or with `org` the ones that org can use. Org admins:
    `org` is required (server-wide ones and the org's own)."""
    runtime = runtime_of(request)
    if org is None:
        authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target())
        found = await runtime.federation.registry.everything()
    else:
        target = await runtime.directory.org(org[:64])
        authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target(target.id))
        found = await runtime.federation.registry.list(target.id)
    return {"identity_providers": [provider_view(p) for p in found]}


@router.post("/api/v1/admin/identity-providers", status_code=201, tags=["admin"])
async def add_provider(body: NewProvider, request: Request,
                       auth: Authenticated = Depends(current_session)) -> Any:
    """A preset (google, microsoft, apple, linkedin, yahoo, slack, facebook, x) or a generic
    OIDC provider by `issuer`. With `org`: that org's own IdP (org admins may add those)."""
    runtime = runtime_of(request)
    org_id = None
    if body.org is not None:
        target = await runtime.directory.org(body.org)
        authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target(target.id))
        org_id = target.id
    else:
        authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target())
    provider = await runtime.federation.registry.add(
        slug=body.slug, client_id=body.client_id, client_secret=body.client_secret,
        preset=body.preset, issuer=body.issuer, display_name=body.display_name,
        org_id=org_id, auto_create=body.auto_create, scopes=body.scopes,
        actor_id=auth.account.id)
    return JSONResponse({"identity_provider": provider_view(provider)}, status_code=201)


@router.delete("/api/v1/admin/identity-providers/{slug}", tags=["admin"])
async def remove_provider(slug: str, request: Request,
                          auth: Authenticated = Depends(current_session)) -> Any:
    registry = runtime_of(request).federation.registry
    provider = await registry.get(slug[:64])
    authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target(provider.org_id))
    await registry.remove(provider, auth.account.id)
    return {"removed": True}
