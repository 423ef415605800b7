"""The admin console's member pages: adding a member, disabling and enabling, setting a
password, and a member's sessions. Who may do which to whom is admin/authorization.py's
rule, applied by the services these pages call; the pages offer only what it allows."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.accounts.model import Account, Org, Role
from monban.admin.authorization import Action, allowed_acts
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated
from monban.web.account.authenticator import member_authenticator
from monban.web.admin.orgs import load_org, org_page, org_url
from monban.web.forms import Form, read_form
from monban.web.page_route import PageRoute
from monban.web.render import redirect, render
from monban.web.visitor import signed_in

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _member_url(org: Org, member: Account, notice: str | None = None) -> str:
    query = f"?notice={notice}" if notice else ""
    return f"/admin/orgs/{org.slug}/members/{member.id}{query}"




def _identifier_fields(text: str) -> tuple[str | None, str | None, str | None]:
    """What was typed in the one identifier box, as (email, phone, username)."""
    value = text.strip()
    if "@" in value:
        return value, None, None
    if value.startswith("+") or value.replace("-", "").replace(" ", "").isdigit():
        return None, value, None
    return None, None, value


async def _create(request: Request, form: Form, org: Org, auth: Authenticated) -> None:
    identifier = form.text("identifier", 320)
    if not identifier.strip():
        raise CatalogueError("INVALID_REQUEST", detail={"field": "identifier"})
    password = form.text("password")
    email, phone, username = _identifier_fields(identifier)
    await runtime_of(request).directory.create_account(
        display_name=form.text("display_name", 200), email=email, phone=phone,
        username=username, password=password or None, org=org,
        role=Role.parse(form.text("role", 20) or "member"),
        language=form.text("language", 10) or "ja", actor_id=auth.account.id)


@router.post("/admin/orgs/{slug}/members")
async def add_member(slug: str, request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    try:
        await _create(request, form, org, auth)
    except CatalogueError as error:
        return await org_page(request, auth, org, error)
    return redirect(org_url(org, "member_added", "#members"))


async def _set_disabled(request: Request, slug: str, account_id: str,
                        disabled: bool) -> Response:
    await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    try:
        member = await runtime_of(request).directory.member(org, account_id)
        await runtime_of(request).directory.update_account(member, actor_id=auth.account.id,
                                                           disabled=disabled)
    except CatalogueError as error:
        return await org_page(request, auth, org, error)
    return redirect(org_url(org, "member_updated", "#members"))


@router.post("/admin/orgs/{slug}/members/{account_id}/disable")
async def disable(slug: str, account_id: str, request: Request) -> Response:
    return await _set_disabled(request, slug, account_id, True)


@router.post("/admin/orgs/{slug}/members/{account_id}/enable")
async def enable(slug: str, account_id: str, request: Request) -> Response:
    return await _set_disabled(request, slug, account_id, False)


async def member_page(request: Request, auth: Authenticated, org: Org, member: Account,
                      error: CatalogueError | None = None) -> Response:
    live = await runtime_of(request).sessions.list_live(member, org.settings)
    return render(request, "admin_member.html", auth=auth, org=org, member=member,
                  sessions=live, error=error, status=error.status if error else 200,
                  acts=allowed_acts(auth.account, member),
                  **await member_authenticator(request, member))


@router.get("/admin/orgs/{slug}/members/{account_id}")
async def show_member(slug: str, account_id: str, request: Request) -> Response:
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    return await member_page(request, auth, org, member)


@router.post("/admin/orgs/{slug}/members/{account_id}/password")
async def set_password(slug: str, account_id: str, request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    try:
        await runtime_of(request).directory.set_password(
            member, form.text("password"), auth.account.id,
            end_sessions=form.flag("end_sessions"))
    except CatalogueError as error:
        return await member_page(request, auth, org, member, error)
    return redirect(_member_url(org, member, "member_password_set"))


@router.post("/admin/orgs/{slug}/members/{account_id}/sessions/end")
async def end_session(slug: str, account_id: str, request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    if not await runtime_of(request).sessions.end(member, form.text("session", 100),
                                                  auth.account, str(request_info(request).ip)):
        return await member_page(request, auth, org, member, CatalogueError("NOT_FOUND"))
    return redirect(_member_url(org, member, "session_ended"))


@router.post("/admin/orgs/{slug}/members/{account_id}/sessions/end-all")
async def end_all(slug: str, account_id: str, request: Request) -> Response:
    await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    await runtime_of(request).sessions.end_others(member, None, auth.account,
                                                  str(request_info(request).ip))
    return redirect(_member_url(org, member, "member_sessions_ended"))
