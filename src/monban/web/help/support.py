"""Support-assisted recovery pages.

Without signing in (linked from the sign-in pages and the help topics' "Contact support"):
the request form, the contact code, and "your request is queued". For staff, the support
console: the queue, and one request with the account's recovery facts, identity checks,
approve and deny, and its audit trail. The same services as /api/v1/support."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.factors.one_time_codes import mask
from monban.i18n.catalog import gettext_for
from monban.sessions.service import Authenticated
from monban.store.support_requests import OPEN, STATUSES
from monban.support import SupportFiling, SupportQueue, for_app
from monban.support.filing import MAX_DESCRIPTION
from monban.support.queue import CHECKS, MAX_NOTE, require_agent
from monban.web.forms import read_form
from monban.web.labels import N_
from monban.web.mfa import kinds
from monban.web.page_route import PageRoute
from monban.web.render import page_language, redirect, render
from monban.web.visitor import signed_in, visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

FORM = "/support/request"
CHECK_LABELS = {
    "last_signin_location": N_("Knows where and on which device they last signed in"),
    "recovery_contact": N_("Their contact matches a registered recovery contact"),
    "account_details": N_("Knows details of the account (when it was made, methods set up)"),
    "note": N_("Note"),
}
STATUS_LABELS = {
    "open": N_("Open"), "approved": N_("Approved: code sent"), "denied": N_("Denied"),
    "done": N_("Done: code used"), "expired": N_("Expired"), "all": N_("All"),
}
TRAIL_LABELS = {
    "support.filed": N_("Request filed"),
    "support.contact_code_sent": N_("Code sent to the contact again"),
    "support.contact_proven": N_("Contact proven"),
    "support.viewed": N_("Request viewed"),
    "support.check": N_("Check recorded"),
    "support.approved": N_("Approved"),
    "support.code_sent": N_("Backup verification code sent"),
    "support.denied": N_("Denied"),
    "support.denial_sent": N_("Refusal message sent"),
    "support.code_used": N_("Backup verification code used"),
    "support.expired": N_("Expired"),
}
MATCHES = {
    "recovery_contact": N_("Yes: a registered recovery contact"),
    "account": N_("Yes: the account's own email address or mobile number"),
    "factor": N_("Yes: where two-step verification codes go"),
}
NOTICES = {
    "code_sent": N_("A new code has been sent."),
    "check_recorded": N_("The check has been recorded."),
    "approved": N_("Approved: a one-time backup verification code was sent to the person's "
                   "proven contact."),
    "denied": N_("Denied: the person has been told."),
    "denied_untold": N_("Denied, but the message to the person could not be sent."),
}


def _services(request: Request) -> tuple[SupportFiling, SupportQueue]:
    return for_app(request.app.state)


def _notice(request: Request, auth: Authenticated | None) -> str | None:
    key = request.query_params.get("notice", "")
    return gettext_for(page_language(request, auth))(NOTICES[key]) if key in NOTICES else None


# The person ------------------------------------------------------------------------------
def _form_page(request: Request, error: CatalogueError | None = None, **values: str) -> Response:
    return render(request, "support_request.html", status=error.status if error else 200,
                  error=error, max_description=MAX_DESCRIPTION,
                  identifier=values.get("identifier", ""), contact=values.get("contact", ""),
                  description=values.get("description", ""))


@router.get(FORM)
async def request_form(request: Request) -> Response:
    await visitor(request)
    return _form_page(request, identifier=request.query_params.get("identifier", "")[:320])


@router.post(FORM)
async def file_request(request: Request) -> Response:
    form = await read_form(request)
    auth = await visitor(request)
    values = {"identifier": form.text("identifier", 320), "contact": form.text("contact", 320),
              "description": form.text("description", MAX_DESCRIPTION)}
    filing, _ = _services(request)
    try:
        filed = await filing.file(values["identifier"], values["contact"],
                                  values["description"], page_language(request, auth),
                                  request_info(request))
    except CatalogueError as error:
        return _form_page(request, error, **values)
    return redirect(f"{FORM}/verify?" + urlencode({"request": filed.id}))


async def _verify_page(request: Request, request_id: str,
                       error: CatalogueError | None = None) -> Response:
    filing, _ = _services(request)
    try:
        filed = await filing.pending(request_id)
    except CatalogueError as expired:
        return _form_page(request, expired)
    return render(request, "support_verify.html", status=error.status if error else 200,
                  error=error, filed=filed, notice=_notice(request, None))


@router.get(f"{FORM}/verify")
async def verify_form(request: Request) -> Response:
    await visitor(request)
    return await _verify_page(request, request.query_params.get("request", "")[:64])


@router.post(f"{FORM}/verify")
async def verify(request: Request) -> Response:
    form = await read_form(request)
    await visitor(request)
    request_id = form.text("request", 64)
    filing, _ = _services(request)
    try:
        await filing.prove(request_id, form.text("code", 64), request_info(request))
    except CatalogueError as error:
        if error.code == "FLOW_EXPIRED":
            return _form_page(request, error)
        return await _verify_page(request, request_id, error)
    return redirect(f"{FORM}/received")


@router.post(f"{FORM}/resend")
async def resend(request: Request) -> Response:
    form = await read_form(request)
    await visitor(request)
    request_id = form.text("request", 64)
    filing, _ = _services(request)
    try:
        await filing.resend(request_id, request_info(request))
    except CatalogueError as error:
        return await _verify_page(request, request_id, error)
    return redirect(f"{FORM}/verify?" + urlencode({"request": request_id,
                                                    "notice": "code_sent"}))


@router.get(f"{FORM}/received")
async def received(request: Request) -> Response:
    await visitor(request)
    return render(request, "support_received.html")


# The console -----------------------------------------------------------------------------
def _case_url(request_id: str, notice: str) -> str:
    return f"/support/requests/{request_id}?notice={notice}"


@router.get("/support")
async def queue_page(request: Request) -> Response:
    auth = await signed_in(request)
    require_agent(auth.account)
    status = request.query_params.get("status", OPEN)
    if status != "all" and status not in STATUSES:
        status = OPEN
    _, queue = _services(request)
    found = await queue.queue(auth.account, STATUSES if status == "all" else (status,))
    return render(request, "support_queue.html", auth=auth, requests=found, current=status,
                  statuses=STATUS_LABELS, checks=CHECK_LABELS, mask=mask)


async def case_page(request: Request, auth: Authenticated, request_id: str,
                    error: CatalogueError | None = None) -> Response:
    _, queue = _services(request)
    case = await queue.case(auth.account, request_id[:64], request_info(request))
    actors = {e.actor_id for e in case.trail if e.actor_id}
    actors |= {str(c.get("by")) for c in case.request.checks if c.get("by")}
    return render(request, "support_case.html", auth=auth, error=error,
                  status=error.status if error else 200, case=case, facts=case.facts,
                  checks=CHECK_LABELS, check_kinds=CHECKS, statuses=STATUS_LABELS,
                  events=TRAIL_LABELS, matches=MATCHES, kinds=kinds(), max_note=MAX_NOTE,
                  actors=await _labels(request, actors), notice=_notice(request, auth),
                  mask=mask)


async def _labels(request: Request, ids: set[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for account_id in sorted(ids):
        try:
            labels[account_id] = (await runtime_of(request).directory.account(account_id)).label
        except CatalogueError:
            labels[account_id] = account_id[:8]
    return labels


@router.get("/support/requests/{request_id}")
async def case_view(request_id: str, request: Request) -> Response:
    auth = await signed_in(request)
    require_agent(auth.account)
    return await case_page(request, auth, request_id)


async def _act(request: Request, request_id: str, action: str) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    require_agent(auth.account)
    _, queue = _services(request)
    info = request_info(request)
    try:
        if action == "checks":
            check = form.text("check", 40)
            result = form.text("result", 10)
            passed = None if check == "note" else {"passed": True, "failed": False}.get(result)
            if check != "note" and passed is None:
                raise CatalogueError("INVALID_REQUEST", detail={"field": "result"})
            await queue.check(auth.account, request_id[:64], check, passed,
                              form.text("note", MAX_NOTE), info)
            notice = "check_recorded"
        elif action == "approve":
            await queue.approve(auth.account, request_id[:64], info)
            notice = "approved"
        else:
            decision = await queue.deny(auth.account, request_id[:64],
                                        form.text("note", MAX_NOTE), info)
            notice = "denied" if decision.told else "denied_untold"
    except CatalogueError as error:
        if error.code in ("NOT_FOUND", "PERMISSION_DENIED"):
            raise
        return await case_page(request, auth, request_id, error)
    return redirect(_case_url(request_id[:64], notice))


@router.post("/support/requests/{request_id}/checks")
async def record_check(request_id: str, request: Request) -> Response:
    return await _act(request, request_id, "checks")


@router.post("/support/requests/{request_id}/approve")
async def approve(request_id: str, request: Request) -> Response:
    return await _act(request, request_id, "approve")


@router.post("/support/requests/{request_id}/deny")
async def deny(request_id: str, request: Request) -> Response:
    return await _act(request, request_id, "deny")

