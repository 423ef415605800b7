"""Federated sign-in pages: "Sign in with …", the provider's callback, the problems it can
answer with (FEDERATED_EMAIL_CONFLICT's four fixes, FEDERATED_LINK_REQUIRED's "sign in
first, then link"), linked accounts (/account/linked) and the providers' admin pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.accounts.model import Org
from monban.admin.authorization import Action, Target, authorize
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.federation.presets import PRESETS
from monban.federation.provider import Provider
from monban.federation.service import LINK, WEB, Finished, Linked
from monban.help.topics import topic_for
from monban.sessions.service import Authenticated
from monban.signin.second_step import SecondStepRequired
from monban.web.forms import Form, read_form
from monban.web.help.troubleshoot import remember_error
from monban.web.page_route import PageRoute
from monban.web.render import error_view, page_language, placeholders, redirect, render
from monban.web.signin.first_step import (
    mfa_url,
    next_target,
    session_limit_page,
    signed_in_response,
    signin_form_page,
)
from monban.web.visitor import signed_in, visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

LINKED_PAGE = "/account/linked"
PROBLEMS = frozenset({"FEDERATED_EMAIL_CONFLICT", "FEDERATED_LINK_REQUIRED",
                      "FEDERATED_ALREADY_LINKED"})


def _off_to_provider(request: Request, url: str, flow_id: str) -> Response:
    """The flow is bound to this browser by its `monban_flow` cookie, like every flow
    (signin/flow_access.py): the callback must come back to the same browser (login CSRF),
    and the cookie (SameSite=Lax) is sent on the provider's top-level redirect back."""
    return redirect(url)


@router.get("/signin/federated/callback")
async def callback(request: Request) -> Response:
    query = request.query_params
    runtime = runtime_of(request)
    auth = await visitor(request)
    state = query.get("state", "")[:100]
    try:
        outcome = await runtime.federation.finish(
            state=state, code=query.get("code"), iss=query.get("iss"),
            error=query.get("error"), request=request_info(request), via=WEB,
            account=auth.account if auth else None)
    except CatalogueError as error:
        return _problem_page(request, error, state)
    return _outcome(request, outcome)


def _outcome(request: Request, outcome: Finished | Linked) -> Response:
    if isinstance(outcome, Linked):
        return redirect(f"{LINKED_PAGE}?notice=provider_linked")
    if isinstance(outcome.result, SecondStepRequired):
        return redirect(mfa_url(outcome.result.flow_id, outcome.next_url))
    return signed_in_response(request, outcome.result, outcome.next_url)


def _problem_page(request: Request, error: CatalogueError, flow_id: str) -> Response:
    if error.code == "CONCURRENT_SESSION_LIMIT":
        return session_limit_page(request, flow_id, "/account/security", error)
    if error.code not in PROBLEMS:
        return signin_form_page(request, next_url="/account/security", error=error)
    language = page_language(request)
    topic = topic_for(error.code)
    values = {**placeholders(request, language), **error.params}
    steps: tuple[str, ...] = ()
    if topic is not None:
        text = topic.ja if language == "ja" else topic.en
        steps = tuple(step.format_map(_Keep(values)) for step in text.steps)
    view = error_view(request, error, language, steps=steps)
    response = render(request, "federation_problem.html", status=error.status, error=view,
                      code=error.code, provider=error.params.get("provider", ""))
    remember_error(response, request, error.code)
    return response


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@router.get("/signin/federated/{slug}")
async def provider_page(slug: str, request: Request) -> Response:
    """A page with one "Sign in with …" button: the link an org gives for its own IdP."""
    await visitor(request)
    provider = await runtime_of(request).federation.registry.get(slug[:64])
    if not provider.enabled:
        raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED")
    return render(request, "federation_start.html", provider=provider,
                  next=next_target(request))


@router.get("/signin/federated/{slug}/start")
async def start(slug: str, request: Request) -> Response:
    """Off to the provider. A link, not a form: the pages' CSP (form-action 'self') stops a
    form whose answer redirects to another origin. A GET is safe here: it only opens a flow
    bound to this browser (its monban_flow cookie); nothing signs in until this browser comes back
    with the provider's answer for that flow (as Keycloak's and authentik's login links)."""
    await visitor(request)
    next_url = next_target(request)
    try:
        started = await runtime_of(request).federation.start(
            slug[:64], request_info(request), via=WEB, next_url=next_url,
            keep_signed_in=request.query_params.get("keep") == "1")
    except CatalogueError as error:
        return signin_form_page(request, next_url=next_url, error=error)
    return _off_to_provider(request, started.url, started.flow_id)


# Linked accounts ------------------------------------------------------------------------
async def _linkable(request: Request, auth: Authenticated) -> list[Provider]:
    from monban.federation.linking import allowed

    providers = await runtime_of(request).federation.buttons(auth.account.org_id)
    return [p for p in providers if allowed(p, auth.org)]


async def linked_page(request: Request, auth: Authenticated,
                      error: CatalogueError | None = None) -> Response:
    federation = runtime_of(request).federation
    links = await federation.links(auth.account)
    linked_ids = {provider.id for _, provider in links if provider}
    return render(request, "linked_accounts.html", auth=auth, links=links,
                  status=error.status if error else 200, error=error,
                  providers=[p for p in await _linkable(request, auth)
                             if p.id not in linked_ids])


async def linked_section(request: Request, auth: Authenticated) -> dict[str, Any]:
    """The security page's "Linked accounts" section (account/security.py)."""
    return {"linked_accounts": await runtime_of(request).federation.links(auth.account)}


@router.get(LINKED_PAGE)
async def linked(request: Request) -> Response:
    return await linked_page(request, await signed_in(request))


@router.get(LINKED_PAGE + "/link/{slug}")
async def link(slug: str, request: Request) -> Response:
    """A link for the same reason as `start`; the flow is bound to this browser and to the
    signed-in account, and links only the identity this browser proves at the provider."""
    auth = await signed_in(request)
    try:
        started = await runtime_of(request).federation.start(
            slug[:64], request_info(request), via=WEB, next_url=LINKED_PAGE, purpose=LINK,
            account=auth.account)
    except CatalogueError as error:
        return await linked_page(request, auth, error)
    return _off_to_provider(request, started.url, started.flow_id)


@router.post(LINKED_PAGE + "/{link_id}/remove")
async def unlink(link_id: str, request: Request) -> Response:
    await read_form(request)
    auth = await signed_in(request)
    try:
        await runtime_of(request).federation.unlink(auth.account, link_id)
    except CatalogueError as error:
        return await linked_page(request, auth, error)
    return redirect(f"{LINKED_PAGE}?notice=provider_unlinked")


# Admin: providers -------------------------------------------------------------------------
ADMIN_PAGE = "/admin/identity-providers"


def org_providers_url(org: Org) -> str:
    return f"/admin/orgs/{org.slug}/identity-providers"


async def _admin_page(request: Request, auth: Authenticated, org: Org | None,
                      error: CatalogueError | None = None) -> Response:
    registry = runtime_of(request).federation.registry
    providers = await registry.list(org.id if org else None, server_wide=True)
    return render(request, "admin_identity_providers.html", auth=auth, org=org,
                  providers=providers, presets=PRESETS, error=error,
                  status=error.status if error else 200,
                  redirect_uri=runtime_of(request).federation.redirect_uri(
                      request_info(request)),
                  settings=org.settings if org else None)


async def _org_for(request: Request, slug: str, auth: Authenticated) -> Org:
    org = await runtime_of(request).directory.org(slug[:64])
    authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target(org.id))
    return org


@router.get(ADMIN_PAGE)
async def admin_providers(request: Request) -> Response:
    auth = await signed_in(request)
    authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target())
    return await _admin_page(request, auth, None)


@router.get("/admin/orgs/{slug}/identity-providers")
async def org_admin_providers(slug: str, request: Request) -> Response:
    auth = await signed_in(request)
    return await _admin_page(request, auth, await _org_for(request, slug, auth))


def _add_fields(form: Form) -> dict[str, Any]:
    preset = form.text("preset", 32).strip() or None
    return {"slug": form.text("slug", 64).strip().lower(),
            "client_id": form.text("client_id", 500).strip(),
            "client_secret": form.text("client_secret", 2000).strip(),
            "preset": preset, "issuer": form.text("issuer", 500).strip() or None,
            "display_name": form.text("display_name", 200).strip() or None,
            "auto_create": form.flag("auto_create")}


@router.post(ADMIN_PAGE)
async def admin_add(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target())
    try:
        await runtime_of(request).federation.registry.add(**_add_fields(form),
                                                          actor_id=auth.account.id)
    except CatalogueError as error:
        return await _admin_page(request, auth, None, error)
    return redirect(f"{ADMIN_PAGE}?notice=provider_added")


@router.post("/admin/orgs/{slug}/identity-providers")
async def org_admin_add(slug: str, request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    org = await _org_for(request, slug, auth)
    fields = {**_add_fields(form), "preset": None}  # an org's own IdP: generic OIDC
    try:
        await runtime_of(request).federation.registry.add(**fields, org_id=org.id,
                                                          actor_id=auth.account.id)
    except CatalogueError as error:
        return await _admin_page(request, auth, org, error)
    return redirect(f"{org_providers_url(org)}?notice=provider_added")


@router.post("/admin/identity-providers/{provider_slug}/remove")
async def admin_remove(provider_slug: str, request: Request) -> Response:
    await read_form(request)
    auth = await signed_in(request)
    registry = runtime_of(request).federation.registry
    provider = await registry.get(provider_slug[:64])
    authorize(auth.account, Action.MANAGE_IDENTITY_PROVIDERS, Target(provider.org_id))
    await registry.remove(provider, auth.account.id)
    if provider.org_id is None:
        return redirect(f"{ADMIN_PAGE}?notice=provider_removed")
    org = await runtime_of(request).directory.org(provider.org_id)
    return redirect(f"{org_providers_url(org)}?notice=provider_removed")


@router.post("/admin/orgs/{slug}/federation-settings")
async def org_settings(slug: str, request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    org = await _org_for(request, slug, auth)
    registry = runtime_of(request).federation.registry
    known = {p.slug for p in await registry.list(org.id)}
    chosen = form.choices("federated_providers", known)
    changes: dict[str, Any] = {
        "federated_providers": None if form.flag("all_providers") else chosen,
        "federated_email_sync": form.flag("federated_email_sync"),
        "federated_trust_mfa": form.flag("federated_trust_mfa")}
    try:
        await runtime_of(request).directory.update_settings(org, changes, auth.account.id)
    except CatalogueError as error:
        return await _admin_page(request, auth, org, error)
    return redirect(f"{org_providers_url(org)}?notice=settings_saved")

