"""/signin/mfa/enroll/<kind>: when the org requires MFA and the member has no factor yet,
they add one here, inside the sign-in flow (SecondStep.enroll / confirm), and the session
starts once it is confirmed. Same pages as the security page's (enroll_page.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.signin.second_step import MFA_ENROLL
from monban.web.enroll_page import Place, add_page, after_enroll, enroll_name, enroll_params
from monban.web.forms import Form, read_form
from monban.web.mfa import factor_response, json_error, options_response
from monban.web.page_route import PageRoute
from monban.web.signin.first_step import (
    mfa_url,
    next_target,
    session_limit_page,
    signed_in_response,
    signin_form_page,
)
from monban.web.signin.second_step import Step, load_step
from monban.web.visitor import visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

BASE = "/signin/mfa/enroll"


def _place(step: Step, next_url: str) -> Place:
    return Place(base=BASE, cancel=mfa_url(step.flow.id, next_url),
                 restart_query="?" + urlencode({"flow": step.flow.id, "next": next_url}),
                 hidden={"flow": step.flow.id, "next": next_url},
                 trust_days=step.settings.trusted_browser_days, in_flow=True)


async def _step(request: Request, flow_id: str, kind: str) -> Step:
    """The flow, which must be waiting for an enrollment of a kind it offers."""
    step = await load_step(request, flow_id)
    if step.state != MFA_ENROLL:
        raise CatalogueError("FLOW_EXPIRED")
    if kind not in step.enrollable:
        raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"factor": kind[:20]})
    return step


async def _posted(request: Request, kind: str) -> tuple[Form, str, Step | CatalogueError]:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    try:
        return form, next_url, await _step(request, form.text("flow", 100), kind)
    except CatalogueError as error:
        return form, next_url, error


@router.get(BASE + "/{kind}")
async def start(kind: str, request: Request) -> Response:
    await visitor(request)
    next_url = next_target(request)
    try:
        step = await _step(request, request.query_params.get("flow", ""), kind)
    except CatalogueError as error:
        return signin_form_page(request, next_url=next_url, error=error)
    return add_page(request, _place(step, next_url), kind, "start")


@router.post(BASE + "/{kind}/options")
async def options(kind: str, request: Request) -> Response:
    """webauthn.js asks here for the creation options of the member's first security key."""
    try:
        form, _, step = await _posted(request, kind)
        if isinstance(step, CatalogueError):
            raise step
        enrollment = await runtime_of(request).second_step.enroll(
            step.flow.id, kind, enroll_name(request, kind, form, None),
            enroll_params(kind, form), request_info(request))
    except CatalogueError as error:
        return json_error(request, error)
    return options_response(enrollment)


@router.post(BASE + "/{kind}")
async def enroll(kind: str, request: Request) -> Response:
    form, next_url, step = await _posted(request, kind)
    if isinstance(step, CatalogueError):
        return signin_form_page(request, next_url=next_url, error=step)
    name = enroll_name(request, kind, form, None)
    params = enroll_params(kind, form)
    try:
        enrollment = await runtime_of(request).second_step.enroll(
            step.flow.id, kind, name, params, request_info(request))
    except CatalogueError as error:
        return add_page(request, _place(step, next_url), kind, "start", error=error,
                        name=name, values=params)
    return after_enroll(request, _place(step, next_url), kind, enrollment)


@router.post(BASE + "/{kind}/confirm")
async def confirm(kind: str, request: Request) -> Response:
    form, next_url, step = await _posted(request, kind)
    if isinstance(step, CatalogueError):
        return signin_form_page(request, next_url=next_url, error=step)
    enrollment_id = form.text("enrollment", 100)
    try:
        result = await runtime_of(request).second_step.confirm(
            step.flow.id, kind, enrollment_id, factor_response(kind, form),
            request_info(request), form.flag("trust_browser"))
    except CatalogueError as error:
        if error.code == "CONCURRENT_SESSION_LIMIT":
            return session_limit_page(request, step.flow.id, next_url, error)
        try:
            step = await _step(request, step.flow.id, kind)
        except CatalogueError:
            return signin_form_page(request, next_url=next_url, error=error)
        return add_page(request, _place(step, next_url), kind, "confirm", error=error,
                        enrollment_id=enrollment_id, name=form.text("name", 100))
    return signed_in_response(request, result, next_url)
