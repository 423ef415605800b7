"""/admin/orgs/{slug}/diagnose: "why can't this member sign in?" on the admin console.

A member (or a flow id) and a time range give the attempts; each failure is explained (the
policies evaluated, the one that decided, the values it used, what changed since, who can fix
it) with its fixes as buttons where the viewer's role allows. Org owners, admins and support
staff of the org may look; superadmins everywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.accounts.model import Org
from monban.admin.authorization import Action
from monban.diagnostics import Diagnostics, Query, Report
from monban.diagnostics.fixes import Fix, may_take
from monban.diagnostics.words import policy_label, speaker
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated
from monban.web.admin.orgs import day_start, load_org
from monban.web.forms import read_form
from monban.web.page_route import PageRoute
from monban.web.render import page_language, redirect, render, zone_of
from monban.web.visitor import signed_in

router = APIRouter(route_class=PageRoute, include_in_schema=False)

FILTERS = ("account", "flow", "since", "until", "event")


def diagnose_url(org: Org, **query: str) -> str:
    shown = {k: v for k, v in query.items() if v}
    return f"/admin/orgs/{org.slug}/diagnose" + (f"?{urlencode(shown)}" if shown else "")


def _filters(request: Request) -> dict[str, str]:
    return {key: request.query_params.get(key, "")[:320].strip() for key in FILTERS}


def _event_id(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 18:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "event"})
    return int(text)


async def _report(request: Request, auth: Authenticated, org: Org,
                  filters: dict[str, str]) -> Report | None:
    runtime = runtime_of(request)
    account_id = None
    if filters["account"]:
        member = await runtime.directory.account(filters["account"])
        if member.org_id != org.id:
            raise CatalogueError("NOT_FOUND", detail={"account": "?"})
        account_id = member.id
    event_id = _event_id(filters["event"])
    if not (account_id or filters["flow"] or event_id):
        return None
    until = day_start(filters["until"], auth)
    return await Diagnostics(runtime).report(Query(
        account_id=account_id, flow_id=filters["flow"][:100] or None, event_id=event_id,
        org_id=org.id, since=day_start(filters["since"], auth),
        until=until + timedelta(days=1) if until else None), zone=zone_of(auth))


async def diagnose_page(request: Request, auth: Authenticated, org: Org,
                        error: CatalogueError | None = None) -> Response:
    filters = _filters(request)
    report: Report | None = None
    try:
        report = await _report(request, auth, org, filters)
    except CatalogueError as problem:
        error = error or problem
    members = await runtime_of(request).directory.members(org)
    opened = _event_id(filters["event"]) if filters["event"].isdigit() else None
    if report is not None and opened is None and (newest := report.newest_failure()):
        opened = newest.event.id

    def can(fix: Fix) -> bool:
        return may_take(fix, auth.account, org.id, report.account if report else None)

    return render(request, "diagnose.html", auth=auth, org=org, report=report, error=error,
                  status=error.status if error else 200, filters=filters, members=members,
                  opened=opened, can=can, say=speaker(page_language(request, auth)),
                  policy_label=policy_label, done=request.query_params.get("done", "")[:40],
                  back=urlencode({k: v for k, v in filters.items() if v}))


@router.get("/admin/orgs/{slug}/diagnose")
async def show(slug: str, request: Request) -> Response:
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_AUDIT)
    return await diagnose_page(request, auth, org)


@router.post("/admin/orgs/{slug}/diagnose/fix")
async def take_fix(slug: str, request: Request) -> Response:
    """Take one fix of one attempt, as offered now; back to the same diagnosis."""
    form = await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_AUDIT)
    key = form.text("fix", 40)
    try:
        event_id = _event_id(form.text("event", 20))
        value_text = form.text("value", 12).strip()
        if event_id is None or (value_text and not value_text.isdigit()):
            raise CatalogueError("INVALID_REQUEST", detail={"field": "event"})
        await Diagnostics(runtime_of(request)).apply(
            event_id, key, auth.account, request_info(request),
            int(value_text) if value_text else None, org)
    except CatalogueError as error:
        return await diagnose_page(request, auth, org, error)
    query: dict[str, Any] = {k: v for k, v in _filters(request).items() if v}
    return redirect(diagnose_url(org, **query, done=key) + f"#event-{event_id}")
