"""/api/v1/orgs/{org}/oidc/clients: an org's OpenID Connect clients (org owners and admins,
superadmins). The secret is in the answer of create and rotate-secret only."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from monban.admin.authorization import Action, Target, authorize
from monban.api.auth import current_session
from monban.edge.app_runtime import runtime_of
from monban.errors import CatalogueError
from monban.oidc import registration
from monban.oidc.clients import Client
from monban.sessions.service import Authenticated

router = APIRouter(prefix="/api/v1", tags=["OpenID Connect clients"])


class ClientFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    redirect_uris: list[str] | None = Field(default=None, max_length=20)
    post_logout_redirect_uris: list[str] | None = Field(default=None, max_length=20)
    scopes: list[str] | None = Field(default=None, max_length=10)
    grants: list[str] | None = Field(default=None, max_length=3)
    signing_alg: Literal["ES256", "RS256"] | None = None
    allow_webview: bool | None = None
    skip_consent: bool | None = None
    access_token_ttl: int | None = None
    refresh_token_ttl: int | None = None
    jwks: dict[str, Any] | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude_none=True)


class NewClient(ClientFields):
    name: str = Field(max_length=200)
    public: bool = False
    auth_method: Literal["client_secret_basic", "client_secret_post", "private_key_jwt",
                         "none"] | None = None


def client_view(client: Client, secret: str | None = None) -> dict[str, Any]:
    view = {"client_id": client.id, "name": client.name, "public": client.public,
            "org_id": client.org_id, "redirect_uris": list(client.redirect_uris),
            "post_logout_redirect_uris": list(client.post_logout_redirect_uris),
            "scopes": list(client.scopes), "grants": list(client.grants),
            "token_endpoint_auth_method": client.auth_method,
            "signing_alg": client.signing_alg, "allow_webview": client.allow_webview,
            "skip_consent": client.skip_consent, "access_token_ttl": client.access_token_ttl,
            "refresh_token_ttl": client.refresh_token_ttl,
            "created_at": client.created_at.isoformat() if client.created_at else None}
    if secret:
        view["client_secret"] = secret
    return view



async def _org_id(request: Request, org_key: str, auth: Authenticated) -> str:
    org = await runtime_of(request).directory.org(org_key)
    authorize(auth.account, Action.MANAGE_OIDC_CLIENTS, Target(org.id))
    return org.id


async def _client(request: Request, org_id: str, client_id: str) -> Client:
    client = await registration.get(runtime_of(request).oidc, client_id)
    if client.org_id != org_id:
        raise CatalogueError("NOT_FOUND")
    return client


def new_client(body: NewClient, org_id: str | None) -> Client:
    fields = body.changes()
    public = fields.pop("public", False)
    method = fields.pop("auth_method", None) or ("none" if public else "client_secret_basic")
    defaults = Client(id="", name="", public=public, redirect_uris=(), auth_method=method,
                      org_id=org_id)
    if public:
        fields.setdefault("grants", ["authorization_code", "refresh_token"])
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in fields.items()}
    from dataclasses import replace

    return replace(defaults, **values)


@router.get("/orgs/{org_key}/oidc/clients")
async def list_clients(org_key: str, request: Request,
                       auth: Authenticated = Depends(current_session)) -> Any:
    org_id = await _org_id(request, org_key, auth)
    from monban.store import oidc_clients

    found = await runtime_of(request).db.run(oidc_clients.list_all, org_id, write=False)
    return {"clients": [client_view(c) for c in found]}


@router.post("/orgs/{org_key}/oidc/clients", status_code=201)
async def create_client(org_key: str, body: NewClient, request: Request,
                        auth: Authenticated = Depends(current_session)) -> Any:
    org_id = await _org_id(request, org_key, auth)
    client, secret = await registration.create(runtime_of(request).oidc, new_client(body, org_id),
                                               auth.account.id)
    return {"client": client_view(client, secret)}


@router.get("/orgs/{org_key}/oidc/clients/{client_id}")
async def get_client(org_key: str, client_id: str, request: Request,
                     auth: Authenticated = Depends(current_session)) -> Any:
    org_id = await _org_id(request, org_key, auth)
    return {"client": client_view(await _client(request, org_id, client_id))}


@router.patch("/orgs/{org_key}/oidc/clients/{client_id}")
async def update_client(org_key: str, client_id: str, body: ClientFields, request: Request,
                        auth: Authenticated = Depends(current_session)) -> Any:
    org_id = await _org_id(request, org_key, auth)
    client = await _client(request, org_id, client_id)
    updated = await registration.update(runtime_of(request).oidc, client, body.changes(),
                                        auth.account.id)
    return {"client": client_view(updated)}


@router.post("/orgs/{org_key}/oidc/clients/{client_id}/secret")
async def rotate_client_secret(org_key: str, client_id: str, request: Request,
                               auth: Authenticated = Depends(current_session)) -> Any:
    org_id = await _org_id(request, org_key, auth)
    client = await _client(request, org_id, client_id)
    secret = await registration.rotate_secret(runtime_of(request).oidc, client, auth.account.id)
    return {"client": client_view(client, secret)}


@router.delete("/orgs/{org_key}/oidc/clients/{client_id}", status_code=204)
async def delete_client(org_key: str, client_id: str, request: Request,
                        auth: Authenticated = Depends(current_session)) -> None:
    org_id = await _org_id(request, org_key, auth)
    client = await _client(request, org_id, client_id)
    await registration.delete(runtime_of(request).oidc, client, auth.account.id)
