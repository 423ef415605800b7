"""/account/security: a person's own profile, sessions, allowed IP addresses, password and
recent sign-in activity. Every change is a POST with the CSRF field, then a redirect back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.i18n.negotiate import SUPPORTED
from monban.sessions.service import Authenticated
from monban.store.audit import AuditQuery
from monban.web.account.authenticator import authenticator_section
from monban.web.forms import local_path, read_form
from monban.web.help.recovery import recovery_section
from monban.web.help.troubleshoot import failure_reasons
from monban.web.labels import LANGUAGES
from monban.web.mfa import two_step_section
from monban.web.page_route import PageRoute
from monban.web.render import (
    error_view,
    page_language,
    redirect,
    remember_language,
    render,
    zone_of,
)
from monban.web.signin.federation import linked_section
from monban.web.signin.new_password import hints_for, policy_notes
from monban.web.visitor import signed_in

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE = "/account/security"
ACTIVITY_LIMIT = 20


async def security_page(request: Request, auth: Authenticated,
                        error: CatalogueError | None = None) -> Response:
    runtime = runtime_of(request)
    account = auth.account
    live = await runtime.sessions.list_live(account, auth.settings)
    rules = await runtime.directory.ip_rules("account", account.id)
    events = await runtime.directory.audit(AuditQuery(account_id=account.id,
                                                      limit=ACTIVITY_LIMIT))
    view = None
    if error is not None:
        language = page_language(request, auth)
        view = error_view(request, error, language, policy_notes(error, language))
    return render(request, "security.html", auth=auth, status=error.status if error else 200,
                  error=view, sessions=live, rules=rules, events=events,
                  reasons=failure_reasons(events, page_language(request, auth), zone_of(auth)),
                  your_ip=str(request_info(request).ip), org=auth.org, languages=LANGUAGES,
                  password_hints=await hints_for(request, account, auth.settings),
                  **await two_step_section(request, auth),
                  **await authenticator_section(request, auth),
                  **await recovery_section(request, auth),
                  **await linked_section(request, auth))


async def change_or_show(request: Request, auth: Authenticated,
                         change: Callable[[], Awaitable[object]], done: str) -> Response:
    """Make `change`, then redirect to `done`; a CatalogueError shows the security page with it."""
    try:
        await change()
    except CatalogueError as error:
        return await security_page(request, auth, error)
    return redirect(done)


@router.get(PAGE)
async def show(request: Request) -> Response:
    return await security_page(request, await signed_in(request))


@router.post("/account/language")
async def change_language(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    language = form.text("language", 10)
    if language not in SUPPORTED:
        return await security_page(request, auth, CatalogueError("INVALID_REQUEST"))
    await runtime_of(request).directory.update_account(auth.account, actor_id=auth.account.id,
                                                       language=language)
    target = local_path(form.text("next", 512), PAGE)
    separator = "&" if "?" in target else "?"
    response = redirect(f"{target}{separator}notice=language_saved")
    remember_language(request, response, language)
    return response


@router.post("/account/sessions/end")
async def end_session(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    session_id = form.text("session", 100)
    runtime = runtime_of(request)
    ended = await runtime.sessions.end(auth.account, session_id, auth.account,
                                       str(request_info(request).ip))
    if not ended:
        return await security_page(request, auth, CatalogueError("NOT_FOUND"))
    if session_id == auth.session.id:
        response = redirect("/signin?notice=signed_out")
        cookies.clear_session(response, runtime, request)
        return response
    return redirect(f"{PAGE}?notice=session_ended#sessions")


@router.post("/account/sessions/end-others")
async def end_others(request: Request) -> Response:
    await read_form(request)
    auth = await signed_in(request)
    await runtime_of(request).sessions.end_others(auth.account, auth.session.id, auth.account,
                                                  str(request_info(request).ip))
    return redirect(f"{PAGE}?notice=sessions_ended#sessions")


async def _add_rule(request: Request, auth: Authenticated, cidr: str, name: str) -> Response:
    return await change_or_show(
        request, auth,
        lambda: runtime_of(request).directory.add_ip_rule("account", auth.account.id, cidr, name,
                                                          actor_id=auth.account.id),
        f"{PAGE}?notice=ip_added#allowed-ips")


@router.post("/account/allowed-ips/add")
async def add_rule(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    return await _add_rule(request, auth, form.text("cidr", 60), form.text("name", 100))


@router.post("/account/allowed-ips/add-current")
async def add_current(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    return await _add_rule(request, auth, str(request_info(request).ip),
                           form.text("name", 100))


@router.post("/account/allowed-ips/remove")
async def remove_rule(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    return await change_or_show(
        request, auth,
        lambda: runtime_of(request).directory.remove_ip_rule(
            "account", auth.account.id, form.text("rule", 100), actor_id=auth.account.id),
        f"{PAGE}?notice=ip_removed#allowed-ips")


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    """Current password first; then the new one against the rules. Other sessions end."""
    form = await read_form(request)
    auth = await signed_in(request)
    runtime = runtime_of(request)
    try:
        await runtime.signin.reauthenticate(auth.account, auth.settings,
                                            form.text("current_password"), request_info(request))
        await runtime.directory.set_password(auth.account, form.text("new_password"),
                                             actor_id=auth.account.id)
    except CatalogueError as error:
        return await security_page(request, auth, error)
    await runtime.sessions.end_others(auth.account, auth.session.id, auth.account,
                                      str(request_info(request).ip))
    return redirect(f"{PAGE}?notice=password_changed")
