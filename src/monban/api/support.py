"""/api/v1/support: support-assisted recovery.

Without signing in, a person files a request and proves their contact with the code sent
there. Staff (superadmins; an org's owners, admins and support) work the queue: the request
with the account's recovery facts and its audit trail, identity checks, approve (a one-time
backup code goes to the proven contact, never to the agent) or deny."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from monban.accounts.model import Account
from monban.api.auth import current_session
from monban.api.models import Strict
from monban.api.views import audit_view
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.factors.one_time_codes import mask
from monban.sessions.service import Authenticated
from monban.store.support_requests import STATUSES, SupportRequest
from monban.support import SupportFiling, SupportQueue, for_app
from monban.support.facts import Facts, SignInSeen
from monban.support.filing import MAX_DESCRIPTION
from monban.support.queue import MAX_NOTE

router = APIRouter(prefix="/api/v1/support", tags=["support"])


class NewSupportRequest(Strict):
    identifier: str = Field(min_length=1, max_length=320)
    """The sign-in identifier of the account: email address, mobile number or username."""
    contact: str = Field(min_length=1, max_length=320)
    """An email address or mobile number (with country code) where the person can be
    reached; a code is sent there to prove it."""
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    language: Literal["ja", "en"] | None = None


class ContactCode(Strict):
    code: str = Field(max_length=64)


class NewCheck(Strict):
    check: Literal["last_signin_location", "recovery_contact", "account_details", "note"]
    passed: bool | None = None
    """True or false for the checks; absent for a note."""
    note: str = Field(default="", max_length=MAX_NOTE)


class Denial(Strict):
    note: str = Field(default="", max_length=MAX_NOTE)


def support_services(request: Request) -> tuple[SupportFiling, SupportQueue]:
    return for_app(request.app.state)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def request_view(found: SupportRequest, account: Account | None = None) -> dict[str, Any]:
    return {
        "id": found.id, "status": found.status, "identifier": found.identifier,
        "account": {"id": account.id, "label": account.label,
                    "display_name": account.display_name, "org_id": account.org_id}
        if account else None,
        "contact": {"channel": found.contact_channel, "target": mask(found.contact_target),
                    "proven_at": _time(found.contact_verified_at)},
        "description": found.description, "language": found.language, "checks": found.checks,
        "assigned_to": found.assigned_to, "decided_by": found.decided_by,
        "decided_at": _time(found.decided_at), "created_at": _time(found.created_at),
        "expires_at": _time(found.expires_at)}


def _seen(seen: SignInSeen | None) -> dict[str, Any] | None:
    if seen is None:
        return None
    return {"at": seen.at.isoformat(), "ip": seen.ip, "device": seen.device,
            "code": seen.code, "event": seen.event}


def facts_view(facts: Facts) -> dict[str, Any]:
    if not facts.exists:
        return {"exists": False}
    return {
        "exists": True, "id": facts.account_id, "label": facts.label,
        "display_name": facts.display_name, "org": facts.org_name, "role": facts.role,
        "disabled": facts.disabled, "created_at": _time(facts.created_at),
        "password_changed_at": _time(facts.password_changed_at),
        "last_signin": _seen(facts.last_signin),
        "factors": [{**f, "created_at": _time(f["created_at"]),
                     "last_used_at": _time(f["last_used_at"])} for f in facts.factors],
        "recovery_contacts": facts.recovery_contacts,
        "contact_matches": facts.contact_matches, "second_step": facts.second_step,
        "recent_failures": [_seen(s) for s in facts.recent_failures]}


def _language(request: Request, chosen: str | None) -> str:
    runtime = runtime_of(request)
    return chosen or request_info(request).language or runtime.settings.default_language


# The person, without signing in -------------------------------------------------------------
@router.post("/requests", status_code=202)
async def file_request(body: NewSupportRequest, request: Request) -> Any:
    filing, _ = support_services(request)
    filed = await filing.file(body.identifier, body.contact, body.description,
                              _language(request, body.language), request_info(request))
    return {"request": {"id": filed.id, "status": "contact_unproven", "sent_to": filed.sent_to,
                        "resend_after": filed.resend_after,
                        "expires_at": filed.expires_at.isoformat()}}


@router.post("/requests/{request_id}/contact/resend", status_code=202)
async def resend_code(request_id: str, request: Request) -> Any:
    filing, _ = support_services(request)
    filed = await filing.resend(request_id, request_info(request))
    return {"request": {"id": filed.id, "status": "contact_unproven", "sent_to": filed.sent_to,
                        "resend_after": filed.resend_after}}


@router.post("/requests/{request_id}/contact/verify")
async def prove_contact(request_id: str, body: ContactCode, request: Request) -> Any:
    filing, _ = support_services(request)
    proven = await filing.prove(request_id, body.code, request_info(request))
    return {"request": {"id": proven.id, "status": "queued",
                        "expires_at": _time(proven.expires_at)}}


# Staff ----------------------------------------------------------------------------------------
@router.get("/requests")
async def list_requests(request: Request, status: str = "open",
                        auth: Authenticated = Depends(current_session)) -> Any:
    if status != "all" and status not in STATUSES:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "status"})
    _, queue = support_services(request)
    found = await queue.queue(auth.account, STATUSES if status == "all" else (status,))
    return {"requests": [request_view(r, a) for r, a in found]}


@router.get("/requests/{request_id}")
async def get_request(request_id: str, request: Request,
                      auth: Authenticated = Depends(current_session)) -> Any:
    _, queue = support_services(request)
    case = await queue.case(auth.account, request_id, request_info(request))
    return {"request": request_view(case.request, case.account),
            "account": facts_view(case.facts), "trail": [audit_view(e) for e in case.trail]}


@router.post("/requests/{request_id}/checks", status_code=201)
async def record_check(request_id: str, body: NewCheck, request: Request,
                       auth: Authenticated = Depends(current_session)) -> Any:
    _, queue = support_services(request)
    found = await queue.check(auth.account, request_id, body.check, body.passed, body.note,
                              request_info(request))
    return {"request": request_view(found)}


@router.post("/requests/{request_id}/approve")
async def approve(request_id: str, request: Request,
                  auth: Authenticated = Depends(current_session)) -> Any:
    _, queue = support_services(request)
    decision = await queue.approve(auth.account, request_id, request_info(request))
    return {"request": request_view(decision.request),
            "code_sent_to": mask(decision.request.contact_target)}


@router.post("/requests/{request_id}/deny")
async def deny(request_id: str, body: Denial, request: Request,
               auth: Authenticated = Depends(current_session)) -> Any:
    _, queue = support_services(request)
    decision = await queue.deny(auth.account, request_id, body.note, request_info(request))
    return {"request": request_view(decision.request), "told": decision.told}
