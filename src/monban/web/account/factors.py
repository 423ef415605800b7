"""The security page's "Two-step verification" card: add a factor (one page per kind), remove
one, make one preferred, stop trusting a browser. They call FactorManager as the JSON API's
/api/v1/me/factors routes do; every change is a POST with the CSRF field."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.edge.app_runtime import runtime_of
from monban.errors import CatalogueError
from monban.factors.base import FactorContext
from monban.factors.manager import FactorManager
from monban.sessions.service import Authenticated
from monban.web.account.security import PAGE, change_or_show
from monban.web.enroll_page import Place, add_page, after_enroll, enroll_name, enroll_params
from monban.web.forms import read_form
from monban.web.mfa import account_context, factor_response, json_error, options_response
from monban.web.page_route import PageRoute
from monban.web.render import redirect
from monban.web.visitor import signed_in

router = APIRouter(route_class=PageRoute, include_in_schema=False)

BASE = "/account/two-step/add"
SECTION = f"{PAGE}#two-step"


def _place(auth: Authenticated) -> Place:
    return Place(base=BASE, cancel=SECTION, auth=auth)


async def _has_backup_codes(request: Request, auth: Authenticated) -> bool:
    records = await runtime_of(request).factors.enrolled(auth.account.id)
    return any(r.kind == "backup_code" for r in records)


def _check_kind(request: Request, auth: Authenticated, kind: str) -> None:
    """NOT_FOUND for a kind Monban does not know, SIGNIN_METHOD_NOT_ALLOWED for one the org
    does not allow."""
    runtime_of(request).factors.factor(kind[:20], account_context(request, auth))


@router.get(BASE + "/{kind}")
async def start(kind: str, request: Request) -> Response:
    auth = await signed_in(request)
    _check_kind(request, auth, kind)
    return add_page(request, _place(auth), kind, "start",
                    existing_backup=kind == "backup_code"
                    and await _has_backup_codes(request, auth))


@router.post(BASE + "/{kind}/options")
async def options(kind: str, request: Request) -> Response:
    """webauthn.js asks here for the creation options of a new security key."""
    try:
        form = await read_form(request)
        auth = await signed_in(request)
        enrollment = await runtime_of(request).factors.enroll(
            account_context(request, auth), kind[:20], enroll_name(request, kind, form, auth),
            enroll_params(kind, form))
    except CatalogueError as error:
        return json_error(request, error)
    return options_response(enrollment)


@router.post(BASE + "/{kind}")
async def enroll(kind: str, request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    name = enroll_name(request, kind, form, auth)
    params = enroll_params(kind, form)
    replaced = kind == "backup_code" and await _has_backup_codes(request, auth)
    try:
        enrollment = await runtime_of(request).factors.enroll(
            account_context(request, auth), kind[:20], name, params)
    except CatalogueError as error:
        if error.code in ("NOT_FOUND", "SIGNIN_METHOD_NOT_ALLOWED"):
            raise
        return add_page(request, _place(auth), kind, "start", error=error, name=name,
                        values=params)
    return after_enroll(request, _place(auth), kind, enrollment, replaced)


@router.post(BASE + "/{kind}/confirm")
async def confirm(kind: str, request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    enrollment_id = form.text("enrollment", 100)
    try:
        await runtime_of(request).factors.confirm(
            account_context(request, auth), kind[:20], enrollment_id,
            factor_response(kind, form))
    except CatalogueError as error:
        if error.code in ("NOT_FOUND", "SIGNIN_METHOD_NOT_ALLOWED"):
            raise
        return add_page(request, _place(auth), kind, "confirm", error=error,
                        enrollment_id=enrollment_id, name=form.text("name", 100))
    return redirect(f"{PAGE}?notice=factor_added#two-step")


async def _factor_change(request: Request, field: str, notice: str,
                         change: Callable[[FactorManager, FactorContext, str], Awaitable[None]],
                         ) -> Response:
    """One of the card's small changes: `change` gets the factors, the account's context and the
    form's `field`; then back to the card with `notice`."""
    form = await read_form(request)
    auth = await signed_in(request)
    return await change_or_show(
        request, auth,
        lambda: change(runtime_of(request).factors, account_context(request, auth),
                       form.text(field, 100)),
        f"{PAGE}?notice={notice}#two-step")


@router.post("/account/two-step/remove")
async def remove(request: Request) -> Response:
    return await _factor_change(request, "factor", "factor_removed",
                                lambda factors, ctx, factor: factors.remove(ctx, factor))


@router.post("/account/two-step/prefer")
async def prefer(request: Request) -> Response:
    return await _factor_change(request, "factor", "factor_preferred",
                                lambda factors, ctx, factor: factors.prefer(ctx, factor))


@router.post("/account/trusted-browsers/remove")
async def untrust(request: Request) -> Response:
    return await _factor_change(request, "browser", "browser_untrusted",
                                lambda factors, ctx, browser: factors.untrust(ctx, browser))
