"""Passwordless sign-in pages: from the password page, "Sign in with a one-time code instead"
sends a code (signin/passwordless.py) and asks for it; then the second step or the session,
as after a password."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.signin.second_step import SecondStepRequired
from monban.web.forms import read_form
from monban.web.help.troubleshoot import remember_error
from monban.web.page_route import PageRoute
from monban.web.render import redirect, render
from monban.web.signin.first_step import (
    mfa_url,
    next_target,
    session_limit_page,
    signed_in_response,
    signin_form_page,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE = "/signin/code"


def code_url(flow_id: str, next_url: str) -> str:
    return f"{PAGE}?" + urlencode({"flow": flow_id, "next": next_url})


async def _code_page(request: Request, flow_id: str, next_url: str,
                     error: CatalogueError | None = None) -> Response:
    try:
        flow = await runtime_of(request).signin.flow(flow_id, request_info(request))
    except CatalogueError as expired:
        return signin_form_page(request, next_url=next_url, error=expired)
    if "code_channel" not in flow.data:
        return redirect("/signin/password?" + urlencode({"flow": flow_id, "next": next_url}))
    response = render(request, "signin_code.html", status=error.status if error else 200,
                      error=error, flow_id=flow_id, next=next_url,
                      identifier=flow.data.get("identifier"),
                      sent_to=flow.data.get("code_sent_to", ""),
                      by_sms=flow.data.get("code_channel") == "sms")
    if error is not None:
        remember_error(response, request, error.code)
    return response


@router.get(PAGE)
async def code_form(request: Request) -> Response:
    return await _code_page(request, request.query_params.get("flow", "")[:100],
                            next_target(request))


@router.post(PAGE)
async def send_code(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    flow_id = form.text("flow", 100)
    runtime = runtime_of(request)
    try:
        await runtime.passwordless.send_code(flow_id, request_info(request))
    except CatalogueError as error:
        if error.code == "FLOW_EXPIRED":
            return signin_form_page(request, next_url=next_url, error=error)
        flow = await runtime.signin.flow(flow_id, request_info(request))
        if "code_channel" in flow.data:  # a resend within the wait: the code page says so
            return await _code_page(request, flow_id, next_url, error)
        response = render(request, "password.html", status=error.status, error=error,
                          flow_id=flow_id, next=next_url,
                          identifier=flow.data.get("identifier"), keep=flow.keep_signed_in)
        remember_error(response, request, error.code)
        return response
    return redirect(code_url(flow_id, next_url))


@router.post(f"{PAGE}/verify")
async def verify_code(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    flow_id = form.text("flow", 100)
    try:
        result = await runtime_of(request).passwordless.submit_code(
            flow_id, form.text("code", 20), request_info(request))
    except CatalogueError as error:
        if error.code == "FLOW_EXPIRED":
            return signin_form_page(request, next_url=next_url, error=error)
        if error.code == "CONCURRENT_SESSION_LIMIT":
            return session_limit_page(request, flow_id, next_url, error)
        return await _code_page(request, flow_id, next_url, error)
    if isinstance(result, SecondStepRequired):
        return redirect(mfa_url(result.flow_id, next_url))
    return signed_in_response(request, result, next_url)
