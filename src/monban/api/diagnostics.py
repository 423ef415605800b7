"""/api/v1/orgs/{org}/diagnose: why a member's sign-in failed, and taking the fix.

Org admins and support staff read the diagnosis (superadmins everywhere); each fix says whether
the caller's role may take it, and POST .../diagnose/fixes takes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from monban.admin.authorization import Action, Target, authorize
from monban.api.auth import current_session
from monban.diagnostics import Diagnostics
from monban.diagnostics import Query as Diagnosis
from monban.diagnostics.report import as_dict
from monban.edge.app_runtime import runtime_of
from monban.edge.error_json import language_for
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated

router = APIRouter(prefix="/api/v1", tags=["diagnostics"])

MAX_EVENT_ID = 2**62


class TakeFix(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event: int = Field(ge=1, le=MAX_EVENT_ID)
    """The failed attempt's audit event id (`attempts[].id`)."""
    fix: str = Field(min_length=1, max_length=40)
    """The fix's key (`explanation.fixes[].key`)."""
    value: int | None = Field(default=None, ge=0, le=100_000)
    """For raise_* fixes: the new limit (default: the one offered; 0 = no limit)."""



@router.get("/orgs/{org_key}/diagnose")
async def diagnose(org_key: str, request: Request, account: str | None = None,
                   flow: str | None = Query(default=None, max_length=100),
                   event: int | None = Query(default=None, ge=1, le=MAX_EVENT_ID),
                   since: datetime | None = None, until: datetime | None = None,
                   limit: int = Query(default=20, ge=1, le=500),
                   auth: Authenticated = Depends(current_session)) -> Any:
    """A member's attempts (`account`: email, mobile number, username or id; with `since` and
    `until`), or one flow's (`flow`), or one attempt (`event`), newest first; each failure
    explained: the policy that decided, the values it used, who can fix it, the fixes."""
    runtime = runtime_of(request)
    org = await runtime.directory.org(org_key[:64])
    authorize(auth.account, Action.READ_AUDIT, Target(org.id))
    account_id = None
    if account:
        member = await runtime.directory.account(account[:320])
        if member.org_id != org.id:
            raise CatalogueError("NOT_FOUND")
        account_id = member.id
    if not (account_id or flow or event):
        raise CatalogueError("INVALID_REQUEST", detail={"field": "account"})
    report = await Diagnostics(runtime).report(Diagnosis(
        account_id=account_id, flow_id=flow, event_id=event, org_id=org.id, since=since,
        until=until, limit=limit))
    return as_dict(report, language_for(request), runtime.settings.authenticator_app_name,
                   auth.account)


@router.post("/orgs/{org_key}/diagnose/fixes")
async def take_fix(org_key: str, body: TakeFix, request: Request,
                   auth: Authenticated = Depends(current_session)) -> Any:
    """Take one of a failed attempt's fixes, as offered now (PERMISSION_DENIED when the
    caller's role may not; NOT_FOUND when it is no longer needed)."""
    runtime = runtime_of(request)
    org = await runtime.directory.org(org_key[:64])
    authorize(auth.account, Action.READ_AUDIT, Target(org.id))
    result = await Diagnostics(runtime).apply(body.event, body.fix, auth.account,
                                              request_info(request), body.value, org)
    return {"applied": body.fix, "result": result}
