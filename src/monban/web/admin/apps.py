"""The admin console's "Apps" page: an org's OpenID Connect clients, registered, changed,
given a new secret or removed by the org's owners and admins (and superadmins). A new
secret is shown once, on the page that answers the form."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.accounts.model import Org
from monban.admin.authorization import Action
from monban.edge.app_runtime import runtime_of
from monban.errors import CatalogueError
from monban.oidc import registration
from monban.oidc.clients import ALGS, GRANTS, SCOPES, Client
from monban.sessions.service import Authenticated
from monban.store import oidc_clients
from monban.web.admin.orgs import load_org
from monban.web.forms import Form, read_form
from monban.web.page_route import PageRoute
from monban.web.render import redirect, render
from monban.web.signin.oidc import issuer_of
from monban.web.visitor import signed_in

router = APIRouter(route_class=PageRoute, include_in_schema=False)
GRANT_LABELS = {
    "authorization_code": "Sign people in (authorization code with PKCE)",
    "refresh_token": "Stay signed in (refresh tokens)",
    "client_credentials": "Server-to-server calls (client credentials)",
}


def apps_url(org: Org, notice: str = "") -> str:
    return f"/admin/orgs/{org.slug}/apps" + (f"?notice={notice}" if notice else "")


async def _admin(request: Request, slug: str) -> tuple[Authenticated, Org]:
    auth = await signed_in(request)
    return auth, await load_org(request, slug, auth, Action.MANAGE_OIDC_CLIENTS)


async def _client(request: Request, org: Org, client_id: str) -> Client:
    client = await registration.get(runtime_of(request).oidc, client_id[:64])
    if client.org_id != org.id:
        raise CatalogueError("NOT_FOUND")
    return client


async def apps_page(request: Request, auth: Authenticated, org: Org, *,
                    error: CatalogueError | None = None, created: Client | None = None,
                    secret: str | None = None, status: int = 200) -> Response:
    runtime = runtime_of(request)
    clients = await runtime.db.run(oidc_clients.list_all, org.id, write=False)
    return render(request, "admin_apps.html", auth=auth, org=org, clients=clients,
                  error=error, created=created, secret=secret, status=status,
                  scopes=SCOPES, grants=GRANT_LABELS, algs=ALGS,
                  issuer=issuer_of(request))


@router.get("/admin/orgs/{slug}/apps")
async def apps(slug: str, request: Request) -> Response:
    auth, org = await _admin(request, slug)
    return await apps_page(request, auth, org)


def _lines(form: Form, name: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in form.text(name, 20000).splitlines() if line.strip())


def _ttl(form: Form, name: str, default: int) -> int:
    value = form.text(name, 12).strip()
    if not value:
        return default
    if not value.isdigit():
        raise CatalogueError("INVALID_REQUEST", detail={"field": name})
    return int(value)


def _fields(form: Form, client: Client) -> dict[str, Any]:
    return {
        "name": form.text("name", 200),
        "redirect_uris": _lines(form, "redirect_uris"),
        "post_logout_redirect_uris": _lines(form, "post_logout_redirect_uris"),
        "scopes": tuple(form.choices("scopes", set(SCOPES))),
        "grants": tuple(form.choices("grants", set(GRANTS))),
        "signing_alg": form.text("signing_alg", 8) or "ES256",
        "allow_webview": form.flag("allow_webview"),
        "skip_consent": form.flag("skip_consent"),
        "access_token_ttl": _ttl(form, "access_token_ttl", client.access_token_ttl),
        "refresh_token_ttl": _ttl(form, "refresh_token_ttl", client.refresh_token_ttl),
    }


@router.post("/admin/orgs/{slug}/apps")
async def create_app(slug: str, request: Request) -> Response:
    auth, org = await _admin(request, slug)
    form = await read_form(request)
    public = form.text("kind", 16) == "public"
    base = Client(id="", name="", public=public, redirect_uris=(), org_id=org.id,
                  auth_method="none" if public else "client_secret_basic")
    try:
        client = replace(base, **_fields(form, base))
        created, secret = await registration.create(runtime_of(request).oidc, client,
                                                    auth.account.id)
    except CatalogueError as error:
        return await apps_page(request, auth, org, error=error, status=error.status)
    return await apps_page(request, auth, org, created=created, secret=secret, status=201)


@router.get("/admin/orgs/{slug}/apps/{client_id}")
async def app_page(slug: str, client_id: str, request: Request) -> Response:
    auth, org = await _admin(request, slug)
    client = await _client(request, org, client_id)
    return render(request, "admin_app.html", auth=auth, org=org, client=client,
                  scopes=SCOPES, grants=GRANT_LABELS, algs=ALGS, secret=None)


@router.post("/admin/orgs/{slug}/apps/{client_id}")
async def update_app(slug: str, client_id: str, request: Request) -> Response:
    auth, org = await _admin(request, slug)
    client = await _client(request, org, client_id)
    form = await read_form(request)
    provider = runtime_of(request).oidc
    action = form.text("action", 20)
    if action == "delete":
        await registration.delete(provider, client, auth.account.id)
        return redirect(apps_url(org, "app_deleted"))
    if action == "rotate_secret":
        secret = await registration.rotate_secret(provider, client, auth.account.id)
        return render(request, "admin_app.html", auth=auth, org=org, client=client,
                      scopes=SCOPES, grants=GRANT_LABELS, algs=ALGS, secret=secret)
    try:
        changes = _fields(form, client)
        updated = await registration.update(provider, client, changes, auth.account.id)
    except CatalogueError as error:
        return render(request, "admin_app.html", auth=auth, org=org, client=client,
                      scopes=SCOPES, grants=GRANT_LABELS, algs=ALGS, secret=None,
                      error=error, status=error.status)
    return render(request, "admin_app.html", auth=auth, org=org, client=updated,
                  scopes=SCOPES, grants=GRANT_LABELS, algs=ALGS, secret=None, saved=True)
