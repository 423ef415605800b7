"""The sign-in pages: identifier, password, the concurrent-session-limit step, signing out.

They drive the same flow as the JSON API (signin/flow.py); a refusal re-renders the page with
the catalogue message, its status and its help topic."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.signin.flow import SignedIn
from monban.signin.second_step import SecondStepRequired
from monban.store.flow_states import FlowState
from monban.web.forms import local_path, read_form
from monban.web.help.troubleshoot import forget_error, remember_error
from monban.web.page_route import PageRoute
from monban.web.render import redirect, render
from monban.web.visitor import visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SECURITY_PAGE = "/account/security"


def next_target(request: Request, value: str | None = None) -> str:
    return local_path(value if value is not None else request.query_params.get("next"))


def signin_form_page(request: Request, *, next_url: str, error: CatalogueError | None = None,
                 identifier: str = "", keep: bool = False) -> Response:
    response = render(request, "signin.html", status=error.status if error else 200,
                      error=error, next=next_url, identifier=identifier, keep=keep)
    if error is not None:  # for "Problem signing in?" (help/troubleshoot.py)
        remember_error(response, request, error.code)
    return response


def _flow_url(flow_id: str, next_url: str) -> str:
    query = {"flow": flow_id}
    if next_url != SECURITY_PAGE:
        query["next"] = next_url
    return "/signin/password?" + urlencode(query)


def mfa_url(flow_id: str, next_url: str, **extra: str) -> str:
    """The second step's page (signin/second_step.py) for this flow."""
    return "/signin/mfa?" + urlencode({"flow": flow_id, "next": next_url, **extra})


def new_password_url(flow_id: str, next_url: str) -> str:
    """The "Set a new password" page (signin/new_password.py) for this flow."""
    return "/signin/new-password?" + urlencode({"flow": flow_id, "next": next_url})


STATE_PAGES: dict[FlowState, str] = {
    FlowState.PASSWORD: "/signin/password",
    FlowState.MFA: "/signin/mfa",
    FlowState.MFA_ENROLL: "/signin/mfa",
    FlowState.PASSWORD_CHANGE: "/signin/new-password",
    FlowState.SESSION_LIMIT: "/signin/password",
}
"""Which page shows a sign-in flow waiting in each state (the session-limit choice is shown
by the password page's route); a flow in any other state has no sign-in page."""


def state_url(state: FlowState, flow_id: str, next_url: str) -> str | None:
    page = STATE_PAGES.get(state)
    return page and page + "?" + urlencode({"flow": flow_id, "next": next_url})


def signed_in_response(request: Request, result: SignedIn, next_url: str) -> Response:
    runtime = runtime_of(request)
    response = redirect(next_url)
    cookies.set_session(response, runtime, request, result.token, result.session.persistent,
                        result.session.expires_at, runtime.clock.now())
    forget_error(response, request)
    return response


def session_limit_page(request: Request, flow_id: str, next_url: str,
                   error: CatalogueError) -> Response:
    raw = error.detail.get("sessions")
    live: list[Any] = raw if isinstance(raw, list) else []
    response = render(request, "session_limit.html", status=error.status, error=error,
                      flow_id=flow_id, next=next_url, sessions=live)
    remember_error(response, request, error.code)
    return response


@router.get("/")
async def home(request: Request) -> Response:
    return redirect(SECURITY_PAGE if await visitor(request) else "/signin")


@router.get("/signin")
async def signin_form(request: Request) -> Response:
    await visitor(request)
    expired = request.query_params.get("expired") == "1"
    hint = request.query_params.get("login_hint", "")[:320]  # OIDC login_hint (issue #6)
    return render(request, "signin.html", next=next_target(request), identifier=hint, keep=False,
                  error=CatalogueError("SESSION_EXPIRED") if expired else None)


@router.post("/signin")
async def signin_identifier(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    identifier = form.text("identifier", 320)
    keep = form.flag("keep_signed_in")
    if not identifier.strip():
        return signin_form_page(request, next_url=next_url, keep=keep,
                            error=CatalogueError("INVALID_REQUEST", detail={"field": "identifier"}))
    try:
        flow = await runtime_of(request).signin.start(identifier, request_info(request), keep)
    except CatalogueError as error:
        return signin_form_page(request, next_url=next_url, error=error, identifier=identifier,
                            keep=keep)
    return redirect(_flow_url(flow.id, next_url))


@router.get("/signin/password")
async def password_form(request: Request) -> Response:
    next_url = next_target(request)
    try:
        flow = await runtime_of(request).signin.flow(request.query_params.get("flow", "")[:100],
                                                     request_info(request))
    except CatalogueError as error:
        return signin_form_page(request, next_url=next_url, error=error)
    if flow.state == FlowState.SESSION_LIMIT:
        return session_limit_page(request, flow.id, next_url,
                                  CatalogueError("CONCURRENT_SESSION_LIMIT"))
    page = state_url(flow.state, flow.id, next_url)
    if page is None:
        return signin_form_page(request, next_url=next_url, error=CatalogueError("FLOW_EXPIRED"))
    if flow.state != FlowState.PASSWORD:
        return redirect(page)
    return render(request, "password.html", flow_id=flow.id, next=next_url,
                  identifier=flow.data.get("identifier"), keep=flow.keep_signed_in)


@router.post("/signin/password")
async def password_submit(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    flow_id = form.text("flow", 100)
    runtime = runtime_of(request)
    try:
        result = await runtime.signin.submit_password(flow_id, form.text("password"),
                                                      request_info(request))
    except CatalogueError as error:
        if error.code == "FLOW_EXPIRED":
            return signin_form_page(request, next_url=next_url, error=error)
        if error.code == "CONCURRENT_SESSION_LIMIT":
            return session_limit_page(request, flow_id, next_url, error)
        if error.code == "PASSWORD_EXPIRED":
            return redirect(new_password_url(flow_id, next_url))
        try:
            flow = await runtime.signin.flow(flow_id, request_info(request))
        except CatalogueError as expired:
            return signin_form_page(request, next_url=next_url, error=expired)
        response = render(request, "password.html", status=error.status, error=error,
                          flow_id=flow_id, next=next_url,
                          identifier=flow.data.get("identifier"), keep=flow.keep_signed_in)
        remember_error(response, request, error.code)
        return response
    if isinstance(result, SecondStepRequired):
        return redirect(mfa_url(result.flow_id, next_url))
    return signed_in_response(request, result, next_url)


@router.post("/signin/end-other-sessions")
async def end_other_sessions(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    try:
        result = await runtime_of(request).signin.end_other_sessions_and_continue(
            form.text("flow", 100), request_info(request))
    except CatalogueError as error:
        return signin_form_page(request, next_url=next_url, error=error)
    return signed_in_response(request, result, next_url)


@router.post("/signout")
async def signout(request: Request) -> Response:
    await read_form(request)
    runtime = runtime_of(request)
    auth = await visitor(request)
    if auth is not None:
        await runtime.sessions.end(auth.account, auth.session.id, auth.account,
                                   str(request_info(request).ip))
    response = redirect("/signin?notice=signed_out")
    cookies.clear_session(response, runtime, request)
    return response
