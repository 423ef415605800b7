"""The admin console: the organisations an actor administers, and one organisation's page
(sign-in settings, allowed IP addresses, members, audit log).

Who may look and who may change what is admin/authorization.py's rule (support staff look;
owners and admins change settings; superadmins manage every organisation). Anyone else gets
PERMISSION_DENIED."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.accounts.model import Org
from monban.admin.authorization import (
    Action,
    Target,
    allowed,
    allowed_acts,
    authorize,
    roles_to_give,
)
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CATALOGUE, CatalogueError
from monban.sessions.service import Authenticated
from monban.store.audit import AuditQuery
from monban.web.forms import Form, read_form
from monban.web.labels import (
    LANGUAGES,
    MFA_NUMBERS,
    ROLES,
    SETTINGS,
)
from monban.web.mfa import kinds, org_methods, org_switches
from monban.web.page_route import PageRoute
from monban.web.render import redirect, render, zone_of
from monban.web.visitor import signed_in

router = APIRouter(route_class=PageRoute, include_in_schema=False)

AUDIT_LIMIT = 100


def org_url(org: Org, notice: str | None = None, anchor: str = "") -> str:
    query = f"?notice={notice}" if notice else ""
    return f"/admin/orgs/{org.slug}{query}{anchor}"


async def load_org(request: Request, slug: str, auth: Authenticated, action: Action) -> Org:
    """The org, once the actor may do `action` in it (admin/authorization.py)."""
    org = await runtime_of(request).directory.org(slug[:64])
    authorize(auth.account, action, Target(org.id))
    return org


@router.get("/admin")
async def admin_home(request: Request) -> Response:
    auth = await signed_in(request)
    directory = runtime_of(request).directory
    actor = auth.account
    if actor.is_superadmin:
        orgs = list(await directory.list_orgs())
    elif actor.org_id and allowed(actor, Action.READ_ORG, Target(actor.org_id)):
        orgs = [await directory.org(actor.org_id)]
    else:
        raise CatalogueError("PERMISSION_DENIED")
    return render(request, "admin_orgs.html", auth=auth, orgs=orgs)


@router.get("/admin/orgs/{slug}")
async def org_home(slug: str, request: Request) -> Response:
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    return await org_page(request, auth, org)


async def org_page(request: Request, auth: Authenticated, org: Org,
                   error: CatalogueError | None = None) -> Response:
    runtime = runtime_of(request)
    members = list(await runtime.directory.members(org))
    rules = await runtime.directory.ip_rules("org", org.id)
    filters = {key: request.query_params.get(key, "")[:100]
               for key in ("account", "code", "since", "until")}
    events: list[Any] = []
    try:
        lookup = {m.label.lower(): m.id for m in members} | {m.id: m.id for m in members}
        query = _audit_query(org, filters, auth, lookup)
        if query is not None:
            events = list(await runtime.directory.audit(query))
    except CatalogueError as problem:
        error = error or problem
    return render(request, "admin_org.html", auth=auth, org=org, error=error,
                  status=error.status if error else 200, members=members, rules=rules,
                  events=events, filters=filters, labels={m.id: m.label for m in members},
                  can_admin=allowed(auth.account, Action.CHANGE_SETTINGS, Target(org.id)),
                  acts={m.id: allowed_acts(auth.account, m) for m in members},
                  roles_given=roles_to_give(auth.account, org.id), setting_fields=SETTINGS,
                  settings=org.settings.model_dump(), roles=ROLES, languages=LANGUAGES,
                  your_ip=str(request_info(request).ip), codes=sorted(CATALOGUE),
                  mfa_methods=org_methods(), mfa_switches=org_switches(),
                  mfa_numbers=MFA_NUMBERS, mfa_available=set(runtime.factors.registry),
                  kinds=kinds())


def day_start(text: str, auth: Authenticated) -> datetime | None:
    """The start of the day `text` (YYYY-MM-DD) names, in the viewer's time zone."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "date"}) from exc
    return datetime(day.year, day.month, day.day, tzinfo=zone_of(auth))


def _audit_query(org: Org, filters: dict[str, str], auth: Authenticated,
                 members: dict[str, str]) -> AuditQuery | None:
    """The audit filters as a query; None when they can match nothing (not a member)."""
    account_id = None
    if filters["account"]:
        account_id = members.get(filters["account"].strip().lower())
        if account_id is None:
            return None
    since = day_start(filters["since"], auth)
    until = day_start(filters["until"], auth)
    return AuditQuery(org_id=org.id, account_id=account_id,
                      code=filters["code"].strip().upper() or None, since=since,
                      until=until + timedelta(days=1) if until else None, limit=AUDIT_LIMIT)


def _settings_changes(form: Form, org: Org) -> dict[str, Any]:
    current = org.settings.model_dump()
    changes: dict[str, Any] = {}
    for name in SETTINGS:
        value: Any
        if name == "hide_account_existence":
            value = form.flag(name)
        elif name == "timezone":
            value = form.text(name, 64).strip()
        elif name == "sms_countries":
            value = sorted({c.strip().upper() for c in form.text(name, 800).split(",")
                            if c.strip()})
        else:
            try:
                value = int(form.text(name, 12).strip())
            except ValueError as exc:
                raise CatalogueError("INVALID_REQUEST", detail={"fields": [name]}) from exc
        if value != current.get(name):
            changes[name] = value
    return changes


async def save_org_settings(request: Request, slug: str,
                            changes_of: Callable[[Form, Org], dict[str, Any]],
                            anchor: str) -> Response:
    """Save the settings `changes_of` reads from the posted form (if any changed), then back to
    the org page's `anchor` section; a CatalogueError shows the org page with it."""
    form = await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.CHANGE_SETTINGS)
    try:
        changes = changes_of(form, org)
        if changes:
            await runtime_of(request).directory.update_settings(org, changes, auth.account.id)
    except CatalogueError as error:
        return await org_page(request, auth, org, error)
    return redirect(org_url(org, "settings_saved", anchor))


@router.post("/admin/orgs/{slug}/settings")
async def save_settings(slug: str, request: Request) -> Response:
    return await save_org_settings(request, slug, _settings_changes, "#settings")


async def _add_rule(request: Request, slug: str, form: Form, cidr: str | None) -> Response:
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.MANAGE_IP_RULES)
    try:
        await runtime_of(request).directory.add_ip_rule(
            "org", org.id, cidr if cidr is not None else form.text("cidr", 60),
            form.text("name", 100), auth.account.id)
    except CatalogueError as error:
        return await org_page(request, auth, org, error)
    return redirect(org_url(org, "ip_added", "#allowed-ips"))


@router.post("/admin/orgs/{slug}/allowed-ips/add")
async def add_rule(slug: str, request: Request) -> Response:
    return await _add_rule(request, slug, await read_form(request), None)


@router.post("/admin/orgs/{slug}/allowed-ips/add-current")
async def add_current(slug: str, request: Request) -> Response:
    form = await read_form(request)
    return await _add_rule(request, slug, form, str(request_info(request).ip))


@router.post("/admin/orgs/{slug}/allowed-ips/remove")
async def remove_rule(slug: str, request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.MANAGE_IP_RULES)
    try:
        await runtime_of(request).directory.remove_ip_rule("org", org.id, form.text("rule", 100),
                                                           auth.account.id)
    except CatalogueError as error:
        return await org_page(request, auth, org, error)
    return redirect(org_url(org, "ip_removed", "#allowed-ips"))
