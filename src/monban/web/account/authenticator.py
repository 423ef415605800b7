"""Monban Authenticator on the HTML pages: the security page's card (linked devices, link a
new one with a QR code and an enrolment code, remove one), and QR sign-in (/signin/qr).

The push step of signing in is on /signin/mfa (signin/second_step.py, template mfa.html);
static/authenticator.js polls while the pages wait, and each page works without it too
(a button submits the same form)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import segno
from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from monban.accounts.model import Account, Org
from monban.admin.authorization import Action
from monban.devices.qr_signin import QrSignInService, qr_payload
from monban.devices.service import DeviceService
from monban.devices.signature import VERSION_PATTERN
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated
from monban.web.admin.orgs import load_org, save_org_settings
from monban.web.forms import Form, read_form
from monban.web.mfa import account_context
from monban.web.page_route import PageRoute
from monban.web.render import redirect, render
from monban.web.signin.first_step import next_target, signed_in_response
from monban.web.visitor import signed_in, visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE = "/account/authenticator"


def _devices(request: Request) -> DeviceService:
    service: DeviceService = runtime_of(request).authenticator
    return service


def _qr(request: Request) -> QrSignInService:
    service: QrSignInService = runtime_of(request).qr_signin
    return service


async def authenticator_section(request: Request, auth: Authenticated) -> dict[str, Any]:
    """What the security page's "Monban Authenticator" card shows."""
    service = _devices(request)
    return {"authenticator_devices": list(await service.devices(auth.account.id)),
            "authenticator_restricted": await service.restricted(auth.account.id),
            "authenticator_allowed": "push" in auth.settings.allowed_factors}


async def _page(request: Request, auth: Authenticated, *, link: Any = None,
                linked: bool = False, error: CatalogueError | None = None) -> Response:
    return render(request, "authenticator.html", auth=auth,
                  status=error.status if error else 200, error=error, link=link,
                  linked=linked, **await authenticator_section(request, auth))


@router.get(PAGE)
async def show(request: Request) -> Response:
    auth = await signed_in(request)
    link_id = request.query_params.get("link", "")[:40]
    if not link_id:
        return await _page(request, auth)
    try:  # "I've linked it": is the app there?
        await runtime_of(request).factors.confirm(account_context(request, auth), "push",
                                                  link_id, {})
    except CatalogueError as error:
        return await _page(request, auth, error=error)
    return await _page(request, auth, linked=True)


@router.post(PAGE + "/link")
async def link(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    ctx = replace(account_context(request, auth), origin=_origin(request))
    try:
        enrollment = await runtime_of(request).factors.enroll(ctx, "push",
                                                              form.text("name", 100), {})
    except CatalogueError as error:
        return await _page(request, auth, error=error)
    return await _page(request, auth, link={"id": enrollment.id, **enrollment.display,
                                            "expires_at": enrollment.expires_at})


@router.post(PAGE + "/devices/{device_id}/remove")
async def remove(device_id: str, request: Request) -> Response:
    await read_form(request)
    auth = await signed_in(request)
    info = request_info(request)
    try:
        await _devices(request).remove(auth.account, device_id, auth.account, str(info.ip),
                                       info.user_agent)
    except CatalogueError as error:
        return await _page(request, auth, error=error)
    return redirect(PAGE)


# An org admin or support, for a member whose devices are gone -------------------------

async def member_authenticator(request: Request, member: Account) -> dict[str, Any]:
    """What the admin console's member page shows of the member's app."""
    service = _devices(request)
    return {"member_devices": list(await service.devices(member.id)),
            "member_restricted": await service.restricted(member.id)}


@router.post("/admin/orgs/{slug}/members/{account_id}/signin-restriction/off")
async def lift_restriction(slug: str, account_id: str, request: Request) -> Response:
    """Turn a member's sign-in restriction off (support or an org admin, after checking who
    asks: the member lost every device). Audited with the actor."""
    await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    member = await runtime_of(request).directory.account(account_id[:64])
    if member.org_id != org.id:
        raise CatalogueError("NOT_FOUND")
    await _devices(request).set_restriction(member, False, auth.account.id,
                                            str(request_info(request).ip))
    return redirect(f"/admin/orgs/{org.slug}/members/{member.id}#authenticator")


@router.post("/admin/orgs/{slug}/authenticator")
async def org_authenticator(slug: str, request: Request) -> Response:
    """The org's QR sign-in switch and minimum app version (org admins)."""
    return await save_org_settings(request, slug, _org_changes, "#authenticator")


def _org_changes(form: Form, org: Org) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    allowed = form.flag("qr_signin_allowed")
    if allowed != org.settings.qr_signin_allowed:
        changes["qr_signin_allowed"] = allowed
    minimum = form.text("authenticator_min_version", 32).strip()
    if minimum and not VERSION_PATTERN.match(minimum):
        raise CatalogueError("INVALID_REQUEST", detail={"fields": ["authenticator_min_version"]})
    if minimum != org.settings.authenticator_min_version:
        changes["authenticator_min_version"] = minimum
    return changes


# QR sign-in ------------------------------------------------------------------------------

def _origin(request: Request) -> str:
    return runtime_of(request).settings.base_url.rstrip("/") or request_info(request).origin


def _qr_page(request: Request, qr_id: str, secret: str, next_url: str, *,
             waiting: bool = False) -> Response:
    payload = qr_payload(_origin(request), qr_id)
    return render(request, "signin_qr.html", scripts=True, qr_id=qr_id, secret=secret,
                  payload=payload, qr_svg=segno.make(payload, error="m").svg_inline(scale=4),
                  next=next_url, waiting=waiting)


@router.get("/signin/qr")
async def qr_page(request: Request) -> Response:
    await visitor(request)
    started = await _qr(request).start(replace(request_info(request), origin=_origin(request)))
    return _qr_page(request, started.id, started.secret, next_target(request))


@router.post("/signin/qr/status")
async def qr_status(request: Request) -> Response:
    """authenticator.js asks while the QR page waits (nothing is taken)."""
    form = await read_form(request)
    status = await _qr(request).status(form.text("id", 60), form.text("secret", 100))
    return JSONResponse({"status": status}, headers={"Cache-Control": "no-store"})


@router.post("/signin/qr")
async def qr_finish(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    try:
        result = await _qr(request).finish(form.text("id", 60), form.text("secret", 100),
                                           request_info(request))
    except CatalogueError as error:
        return render(request, "signin_qr.html", status=error.status, error=error,
                      qr_id=None, next=next_url)
    if isinstance(result, str):  # not approved yet: the same QR code, with a word
        return _qr_page(request, form.text("id", 60), form.text("secret", 100), next_url,
                        waiting=True)
    return signed_in_response(request, result, next_url)
