"""Getting back in, as JSON:

- /api/v1/recovery/flows: a person who cannot sign in — forgot password (purpose
  "password"), lost second factor ("mfa"), shut out by their own allowed-IP list ("ip").
- /api/v1/me/recovery-contacts: a person's recovery email addresses and mobile numbers.
- /api/v1/orgs/{org}/members/{id}/reset-password | reset-mfa | backup-code: an org's staff.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from monban.accounts.model import Account
from monban.admin.authorization import Action, Target, authorize
from monban.api.auth import current_session
from monban.api.flow_token import FLOW_TOKEN
from monban.api.models import Strict
from monban.api.views import (
    account_view,
    factor_view,
    rule_view,
    second_step_view,
    session_view,
)
from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import flow_binder, request_info
from monban.errors import CatalogueError
from monban.factors.one_time_codes import mask
from monban.recovery import Recovery
from monban.recovery.reset import Step
from monban.sessions.service import Authenticated
from monban.signin.flow import SignedIn
from monban.signin.second_step import SecondStepRequired
from monban.store.flow_states import FlowState
from monban.store.recovery_contacts import RecoveryContact

router = APIRouter(prefix="/api/v1", tags=["getting back in"])
NO_STORE = {"Cache-Control": "no-store"}


def _recovery(request: Request) -> Recovery:
    runtime = runtime_of(request)
    return Recovery.of(runtime)


# Bodies --------------------------------------------------------------------------------
class StartRecovery(Strict):
    identifier: str = Field(min_length=1, max_length=320)
    purpose: Literal["password", "mfa", "ip"] = "password"


class SendCode(Strict):
    contact_id: str = Field(default="", max_length=64)
    """One of the flow's listed contacts."""
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=32)
    """When the flow lists no contacts (`typed`): the recovery contact the person registered."""


class Code(Strict):
    code: str = Field(max_length=64)


class Password(Strict):
    password: str = Field(max_length=1024)
    keep_signed_in: bool = False


class ProveFactor(Strict):
    factor_id: str = Field(max_length=64)
    response: dict[str, Any] = Field(default_factory=dict)


class ChooseFactor(Strict):
    factor_id: str = Field(max_length=64)


class AddCurrentIp(Strict):
    name: str = Field(default="", max_length=100)


class NewContact(Strict):
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=32)
    password: str = Field(max_length=1024)
    """The current password: a recovery contact is a way into the account."""


class ResetPassword(Strict):
    password: str | None = Field(default=None, max_length=1024)
    """Empty or absent: a password is generated and returned once."""
    force_change: bool = True


# Views ---------------------------------------------------------------------------------
def step_view(step: Step) -> dict[str, Any]:
    flow = step.flow
    return {"state": flow.state, "purpose": step.purpose,
            "flow": {"id": flow.id, "state": flow.state, "next": flow.state,
                     "purpose": step.purpose, "expires_at": flow.expires_at.isoformat()},
            "typed": step.typed, "contacts": step.contacts, "sent_to": step.sent_to,
            "factors": [factor_view(f) for f in step.factors]}


def contact_view(contact: RecoveryContact) -> dict[str, Any]:
    return {"id": contact.id, "channel": contact.channel, "target": contact.target,
            "masked": mask(contact.target), "verified": contact.verified,
            "verified_at": contact.verified_at.isoformat() if contact.verified_at else None,
            "created_at": contact.created_at.isoformat()}


def signed_in_answer(request: Request, result: SignedIn | SecondStepRequired,
                     next_url: str | None = None) -> JSONResponse:
    """As the sign-in answers: the second step still to do, or the session (token and
    cookie); `next` is where a browser goes from here."""
    if isinstance(result, SecondStepRequired):
        return JSONResponse(second_step_view(result), headers=NO_STORE)
    runtime = runtime_of(request)
    response = JSONResponse({
        "state": "done", "token": result.token, "next": next_url,
        "session": session_view(result.session, result.session.id),
        "account": account_view(result.account)}, headers=NO_STORE)
    cookies.set_session(response, runtime, request, result.token, result.session.persistent,
                        result.session.expires_at, runtime.clock.now())
    return response


# Recovery flows --------------------------------------------------------------------------
@router.post("/recovery/flows", status_code=201, dependencies=[FLOW_TOKEN])
async def start(body: StartRecovery, request: Request) -> Any:
    """Start: the contacts to choose from (masked), or `typed` where existence is hidden.
    `flow_token`, answered once, goes with every later step as `X-Flow-Token`."""
    step = await _recovery(request).reset.start(body.identifier, body.purpose,
                                                request_info(request))
    return JSONResponse({**step_view(step), "flow_token": flow_binder(request)},
                        status_code=201, headers=NO_STORE)


@router.get("/recovery/flows/{flow_id}", dependencies=[FLOW_TOKEN])
async def describe(flow_id: str, request: Request) -> Any:
    loaded, step = await _recovery(request).reset.describe(flow_id, request_info(request))
    body = step_view(step)
    if step.flow.state == FlowState.R_ALLOWED_IPS:
        body["allowed_ips"] = [rule_view(r) for r in loaded.account_rules]
        body["your_ip"] = str(request_info(request).ip)
    return JSONResponse(body, headers=NO_STORE)


@router.post("/recovery/flows/{flow_id}/code", dependencies=[FLOW_TOKEN])
async def send_code(flow_id: str, body: SendCode, request: Request) -> Any:
    typed = {k: v for k, v in (("email", body.email), ("phone", body.phone)) if v}
    sent = await _recovery(request).reset.send(flow_id, request_info(request),
                                               contact_id=body.contact_id, contact=typed)
    return JSONResponse(sent, headers=NO_STORE)


@router.post("/recovery/flows/{flow_id}/verify", dependencies=[FLOW_TOKEN])
async def verify_code(flow_id: str, body: Code, request: Request) -> Any:
    step = await _recovery(request).reset.verify(flow_id, body.code, request_info(request))
    return JSONResponse(step_view(step), headers=NO_STORE)


@router.post("/recovery/flows/{flow_id}/mfa/challenge", dependencies=[FLOW_TOKEN])
async def mfa_challenge(flow_id: str, body: ChooseFactor, request: Request) -> Any:
    result = await _recovery(request).outcomes.challenge(flow_id, body.factor_id,
                                                         request_info(request))
    return JSONResponse({"challenge": result.public}, headers=NO_STORE)


@router.post("/recovery/flows/{flow_id}/mfa/verify", dependencies=[FLOW_TOKEN])
async def mfa_verify(flow_id: str, body: ProveFactor, request: Request) -> Any:
    step = await _recovery(request).outcomes.prove_factor(flow_id, body.factor_id,
                                                          body.response, request_info(request))
    return JSONResponse(step_view(step), headers=NO_STORE)


@router.post("/recovery/flows/{flow_id}/new-password", dependencies=[FLOW_TOKEN])
async def new_password(flow_id: str, body: Password, request: Request) -> Any:
    """Forgot password: set the new one; every session ends; signed in here."""
    result = await _recovery(request).outcomes.new_password(
        flow_id, body.password, request_info(request), body.keep_signed_in)
    return signed_in_answer(request, result, "/account/security")


@router.post("/recovery/flows/{flow_id}/signin", dependencies=[FLOW_TOKEN])
async def sign_in(flow_id: str, body: Password, request: Request) -> Any:
    """Lost second factor: the password; signed in (enrol again: `next`), or the sign-in's
    `mfa_enroll` step where the org requires MFA."""
    result = await _recovery(request).outcomes.sign_in(
        flow_id, body.password, request_info(request), body.keep_signed_in)
    return signed_in_answer(request, result, "/account/security#two-step")


@router.get("/recovery/flows/{flow_id}/allowed-ips", dependencies=[FLOW_TOKEN])
async def flow_rules(flow_id: str, request: Request) -> Any:
    rules = await _recovery(request).outcomes.allowed_ips(flow_id, request_info(request))
    return JSONResponse({"allowed_ips": [rule_view(r) for r in rules],
                         "your_ip": str(request_info(request).ip)}, headers=NO_STORE)


@router.delete("/recovery/flows/{flow_id}/allowed-ips", dependencies=[FLOW_TOKEN])
async def clear_rules(flow_id: str, request: Request) -> Any:
    removed = await _recovery(request).outcomes.remove_ip_rules(flow_id, request_info(request))
    return JSONResponse({"removed": removed}, headers=NO_STORE)


@router.delete("/recovery/flows/{flow_id}/allowed-ips/{rule_id}", dependencies=[FLOW_TOKEN])
async def remove_rule(flow_id: str, rule_id: str, request: Request) -> Any:
    removed = await _recovery(request).outcomes.remove_ip_rules(
        flow_id, request_info(request), rule_id[:64])
    return JSONResponse({"removed": removed}, headers=NO_STORE)


@router.post("/recovery/flows/{flow_id}/allowed-ips", status_code=201, dependencies=[FLOW_TOKEN])
async def add_current(flow_id: str, body: AddCurrentIp, request: Request) -> Any:
    rule = await _recovery(request).outcomes.add_current_ip(flow_id, request_info(request),
                                                            body.name)
    return JSONResponse({"allowed_ip": rule_view(rule)}, status_code=201, headers=NO_STORE)


# My recovery contacts ------------------------------------------------------------------------
@router.get("/me/recovery-contacts")
async def my_contacts(request: Request, auth: Authenticated = Depends(current_session)) -> Any:
    found = await _recovery(request).contacts.list(auth.account)
    return {"recovery_contacts": [contact_view(c) for c in found],
            "suggest_adding": not any(c.verified for c in found)}


@router.post("/me/recovery-contacts", status_code=201)
async def add_contact(body: NewContact, request: Request,
                      auth: Authenticated = Depends(current_session)) -> Any:
    """Add an email address or a mobile number: a code goes to it, to confirm with."""
    params = {k: v for k, v in (("email", body.email), ("phone", body.phone)) if v}
    contact, sent = await _recovery(request).contacts.add(
        auth.account, auth.settings, params, body.password, request_info(request))
    return {"recovery_contact": contact_view(contact), **sent}


@router.post("/me/recovery-contacts/{contact_id}/verify")
async def verify_contact(contact_id: str, body: Code, request: Request,
                         auth: Authenticated = Depends(current_session)) -> Any:
    contact = await _recovery(request).contacts.verify(
        auth.account, auth.settings, contact_id, body.code, request_info(request))
    return {"recovery_contact": contact_view(contact)}


@router.post("/me/recovery-contacts/{contact_id}/resend")
async def resend_contact_code(contact_id: str, request: Request,
                              auth: Authenticated = Depends(current_session)) -> Any:
    return await _recovery(request).contacts.resend(auth.account, contact_id,
                                                    request_info(request))


@router.delete("/me/recovery-contacts/{contact_id}")
async def remove_contact(contact_id: str, request: Request,
                         auth: Authenticated = Depends(current_session)) -> Any:
    await _recovery(request).contacts.remove(auth.account, contact_id, request_info(request))
    return {"removed": True}


# An org's staff ------------------------------------------------------------------------
async def _member(request: Request, org_key: str, account_id: str, actor: Account
                  ) -> Account:
    runtime = runtime_of(request)
    org = await runtime.directory.org(org_key)
    authorize(actor, Action.READ_ORG, Target(org.id))
    member = await runtime.directory.account(account_id[:64])
    if member.org_id != org.id:
        raise CatalogueError("NOT_FOUND")
    return member


@router.post("/orgs/{org_key}/members/{account_id}/reset-password")
async def reset_member_password(org_key: str, account_id: str, body: ResetPassword,
                                request: Request,
                                auth: Authenticated = Depends(current_session)) -> Any:
    """Owners, admins and support: a typed or generated password (shown once), by default
    to be changed at the next sign-in. Every session of the member ends."""
    member = await _member(request, org_key, account_id, auth.account)
    generated = await _recovery(request).admin.reset_password(
        auth.account, member, body.password, body.force_change, request_info(request))
    return JSONResponse({"changed": True, "password": generated,
                         "force_change": body.force_change}, headers=NO_STORE)


@router.post("/orgs/{org_key}/members/{account_id}/reset-mfa")
async def reset_member_mfa(org_key: str, account_id: str, request: Request,
                           auth: Authenticated = Depends(current_session)) -> Any:
    member = await _member(request, org_key, account_id, auth.account)
    counts = await _recovery(request).admin.reset_mfa(auth.account, member,
                                                      request_info(request))
    return {"reset": True, **counts}


@router.post("/orgs/{org_key}/members/{account_id}/backup-code", status_code=201)
async def issue_backup_code(org_key: str, account_id: str, request: Request,
                            auth: Authenticated = Depends(current_session)) -> Any:
    """One one-time backup verification code, shown only in this answer."""
    member = await _member(request, org_key, account_id, auth.account)
    code = await _recovery(request).admin.issue_backup_code(auth.account, member,
                                                            request_info(request))
    return JSONResponse({"code": code}, status_code=201, headers=NO_STORE)
