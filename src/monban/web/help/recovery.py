"""Getting back in, as pages: /recover (forgot password, lost second factor, own IP
restriction) driving recovery/reset.py and outcomes.py exactly as /api/v1/recovery does; the
security page's recovery-contacts card; an org's staff resetting a member."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from monban.accounts.model import Account, Org
from monban.admin.authorization import Action
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.i18n.catalog import gettext_for
from monban.recovery import Recovery
from monban.recovery.reset import ALLOWED_IPS, MFA, NEW_PASSWORD, PURPOSES
from monban.sessions.service import Authenticated
from monban.signin.flow import SignedIn
from monban.signin.password_change import only_factor
from monban.web.admin.orgs import load_org
from monban.web.forms import Form, read_form
from monban.web.labels import N_
from monban.web.mfa import factor_response, json_error, kinds, mask, mfa_error
from monban.web.page_route import PageRoute
from monban.web.render import error_view, page_language, redirect, render
from monban.web.signin.first_step import mfa_url, session_limit_page, signed_in_response
from monban.web.signin.new_password import policy_hints, policy_notes
from monban.web.visitor import signed_in, visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

NOTICES = {
    "code_sent": N_("A code has been sent. It works once, for 10 minutes."),
    "ips_changed": N_("Your allowed IP addresses have been changed. You can sign in again."),
    "contact_added": N_("The recovery contact has been added."),
    "contact_removed": N_("The recovery contact has been removed."),
    "contact_code_sent": N_("A code has been sent to the contact. Enter it to confirm it."),
}
TWO_STEP = "/account/security#two-step"


def _recovery(request: Request) -> Recovery:
    return Recovery.of(runtime_of(request))


def _notice(request: Request) -> str | None:
    key = request.query_params.get("notice", "")
    return key if key in NOTICES else None


def _view(request: Request, error: CatalogueError | None) -> Any:
    if error is None:
        return None
    language = page_language(request)
    return error_view(request, error, language, policy_notes(error, language))


def _start_page(request: Request, purpose: str, identifier: str = "",
                error: CatalogueError | None = None) -> Response:
    return render(request, "recovery_start.html", status=error.status if error else 200,
                  error=_view(request, error), purpose=purpose, identifier=identifier,
                  ask=error.detail if error else {})


def _flow_url(flow_id: str, **extra: str) -> str:
    return "/recover/flow?" + urlencode({"flow": flow_id, **extra})


async def _flow_page(request: Request, flow_id: str, error: CatalogueError | None = None,
                     factor_id: str = "") -> Response:
    try:
        loaded, step = await _recovery(request).reset.describe(flow_id, request_info(request))
    except CatalogueError as expired:
        return _start_page(request, "password", error=error or expired)
    factor = next((f for f in step.factors if f.id == factor_id), None) or (
        step.factors[0] if step.factors else None)
    language = page_language(request)
    view = (mfa_error(request, error, language, factor.kind if factor else None)
            if error and step.flow.state == MFA else _view(request, error))
    state = step.flow.state
    hints = (policy_hints(loaded.settings, only_factor(loaded.factors), language)
             if state == NEW_PASSWORD else [])
    return render(request, "recovery_flow.html", status=error.status if error else 200,
                  error=view, step=step, state=state, factor=factor, kinds=kinds(), mask=mask,
                  rules=loaded.account_rules if state == ALLOWED_IPS else [],
                  your_ip=str(request_info(request).ip),
                  password_hints=hints, scripts=bool(factor and factor.kind == "webauthn"),
                  notice=(_say(request, NOTICES[n]) if (n := _notice(request)) else None))


def _say(request: Request, msgid: str) -> str:
    return gettext_for(page_language(request))(msgid)


# Starting -----------------------------------------------------------------------------------
@router.get("/recover")
async def start_form(request: Request) -> Response:
    await visitor(request)
    purpose = request.query_params.get("purpose", "password")
    return _start_page(request, purpose if purpose in PURPOSES else "password",
                       request.query_params.get("identifier", "")[:320])


@router.post("/recover")
async def start(request: Request) -> Response:
    form = await read_form(request)
    purpose = form.text("purpose", 10)
    purpose = purpose if purpose in PURPOSES else "password"
    identifier = form.text("identifier", 320)
    try:
        step = await _recovery(request).reset.start(identifier, purpose, request_info(request))
    except CatalogueError as error:
        return _start_page(request, purpose, identifier, error)
    return redirect(_flow_url(step.flow.id))


@router.get("/recover/flow")
async def flow_page(request: Request) -> Response:
    await visitor(request)
    return await _flow_page(request, request.query_params.get("flow", "")[:100],
                            factor_id=request.query_params.get("factor", "")[:64])


async def _act(request: Request, form: Form, work: Any, then: str | None = None,
               factor_id: str = "") -> Response:
    """Run one step; the flow page again with its refusal, or `then`."""
    flow_id = form.text("flow", 100)
    try:
        await work(flow_id)
    except CatalogueError as error:
        return await _flow_page(request, flow_id, error, factor_id)
    return redirect(then or _flow_url(flow_id))


@router.post("/recover/send")
async def send(request: Request) -> Response:
    form = await read_form(request)
    typed = form.text("contact", 320).strip()
    contact = {("email" if "@" in typed else "phone"): typed} if typed else {}
    return await _act(request, form, lambda flow_id: _recovery(request).reset.send(
        flow_id, request_info(request), contact_id=form.text("contact_id", 64),
        contact=contact))  # the code page says where it went


@router.post("/recover/verify")
async def verify(request: Request) -> Response:
    form = await read_form(request)
    code = "".join(form.text("code", 64).split())
    return await _act(request, form, lambda flow_id: _recovery(request).reset.verify(
        flow_id, code, request_info(request)))


@router.post("/recover/mfa/send")
async def mfa_send(request: Request) -> Response:
    form = await read_form(request)
    factor_id = form.text("factor", 64)
    return await _act(request, form, lambda flow_id: _recovery(request).outcomes.challenge(
        flow_id, factor_id, request_info(request)),
        _flow_url(form.text("flow", 100), factor=factor_id, notice="code_sent"), factor_id)


@router.post("/recover/mfa/options")
async def mfa_options(request: Request) -> Response:
    """webauthn.js asks here for the chosen security key's request options."""
    try:
        form = await read_form(request)
        challenge = await _recovery(request).outcomes.challenge(
            form.text("flow", 100), form.text("factor", 64), request_info(request))
    except CatalogueError as error:
        return json_error(request, error)
    return JSONResponse({"options": challenge.public.get("options", challenge.public)},
                        headers={"Cache-Control": "no-store"})


@router.post("/recover/mfa")
async def mfa_verify(request: Request) -> Response:
    form = await read_form(request)
    factor_id = form.text("factor", 64)
    response = factor_response(form.text("kind", 20), form)
    return await _act(request, form, lambda flow_id: _recovery(request).outcomes.prove_factor(
        flow_id, factor_id, response, request_info(request)), factor_id=factor_id)


# Finishing ----------------------------------------------------------------------------------
@router.post("/recover/new-password")
async def new_password(request: Request) -> Response:
    form = await read_form(request)
    flow_id, password = form.text("flow", 100), form.text("password")
    try:
        if password != form.text("confirm"):
            raise CatalogueError("INVALID_REQUEST", detail={"field": "confirm"})
        result = await _recovery(request).outcomes.new_password(
            flow_id, password, request_info(request), form.flag("keep_signed_in"))
    except CatalogueError as error:
        if error.detail.get("password_changed"):  # changed, but this sign-in was refused
            return render(request, "signin.html", status=error.status,
                          error=_view(request, error), next="/account/security",
                          identifier="", keep=False,
                          notice=_say(request, N_("Your password has been changed.")))
        return await _flow_page(request, flow_id, error)
    return signed_in_response(request, result, "/account/security?notice=password_changed")


@router.post("/recover/signin")
async def lost_factor_sign_in(request: Request) -> Response:
    form = await read_form(request)
    flow_id = form.text("flow", 100)
    try:
        result = await _recovery(request).outcomes.sign_in(
            flow_id, form.text("password"), request_info(request), form.flag("keep_signed_in"))
    except CatalogueError as error:
        if error.code == "CONCURRENT_SESSION_LIMIT":
            return session_limit_page(request, flow_id, TWO_STEP, error)
        return await _flow_page(request, flow_id, error)
    if isinstance(result, SignedIn):
        return signed_in_response(request, result, TWO_STEP)
    return redirect(mfa_url(flow_id, "/account/security"))


@router.post("/recover/allowed-ips/remove")
async def remove_rule(request: Request) -> Response:
    form = await read_form(request)
    rule_id = form.text("rule", 64) or None
    return await _act(request, form, lambda flow_id: _recovery(request).outcomes.remove_ip_rules(
        flow_id, request_info(request), rule_id),
        _flow_url(form.text("flow", 100), notice="ips_changed"))


@router.post("/recover/allowed-ips/add-current")
async def add_current(request: Request) -> Response:
    form = await read_form(request)
    return await _act(request, form, lambda flow_id: _recovery(request).outcomes.add_current_ip(
        flow_id, request_info(request), form.text("name", 100)),
        _flow_url(form.text("flow", 100), notice="ips_changed"))


# The security page's card --------------------------------------------------------------------
async def recovery_section(request: Request, auth: Authenticated) -> dict[str, Any]:
    """What the security page's recovery-contacts card and re-enrol prompt need."""
    recovery = _recovery(request)
    contacts = list(await recovery.contacts.list(auth.account))
    enrol = auth.account.must_enroll_mfa and not await recovery.outcomes.mfa_flag_settled(
        auth.account)
    return {"recovery_contacts": contacts, "recovery_nudge": not any(c.verified
                                                                     for c in contacts),
            "must_enroll_mfa": enrol,
            "recovery_notice": (_say(request, NOTICES[n]) if (n := _notice(request)) else None)}


async def _contact_change(request: Request, work: Any, notice: str) -> Response:
    from monban.web.account.security import security_page

    auth = await signed_in(request)
    try:
        await work(auth)
    except CatalogueError as error:
        return await security_page(request, auth, error)
    return redirect(f"/account/security?notice={notice}#recovery")


@router.post("/account/recovery-contacts/add")
async def add_contact(request: Request) -> Response:
    form = await read_form(request)
    typed = form.text("contact", 320).strip()
    params = {("email" if "@" in typed else "phone"): typed} if typed else {}
    return await _contact_change(request, lambda auth: _recovery(request).contacts.add(
        auth.account, auth.settings, params, form.text("password"), request_info(request)),
        "contact_code_sent")


@router.post("/account/recovery-contacts/verify")
async def verify_contact(request: Request) -> Response:
    form = await read_form(request)
    code = "".join(form.text("code", 64).split())
    return await _contact_change(request, lambda auth: _recovery(request).contacts.verify(
        auth.account, auth.settings, form.text("contact", 64), code, request_info(request)),
        "contact_added")


@router.post("/account/recovery-contacts/resend")
async def resend_contact(request: Request) -> Response:
    form = await read_form(request)
    return await _contact_change(request, lambda auth: _recovery(request).contacts.resend(
        auth.account, form.text("contact", 64), request_info(request)), "contact_code_sent")


@router.post("/account/recovery-contacts/remove")
async def remove_contact(request: Request) -> Response:
    form = await read_form(request)
    return await _contact_change(request, lambda auth: _recovery(request).contacts.remove(
        auth.account, form.text("contact", 64), request_info(request)), "contact_removed")


# An org's staff -----------------------------------------------------------------------------
async def _staff_act(request: Request, slug: str, account_id: str, action: str) -> Response:
    from monban.web.admin.members import member_page

    form = await read_form(request)
    auth = await signed_in(request)
    org = await load_org(request, slug, auth, Action.READ_ORG)
    member = await _member(request, org, account_id)
    admin, info = _recovery(request).admin, request_info(request)
    shown: str | None = None
    try:
        if action == "reset-password":
            shown = await admin.reset_password(auth.account, member, form.text("password"),
                                               form.flag("force_change"), info)
        elif action == "reset-mfa":
            await admin.reset_mfa(auth.account, member, info)
        else:
            shown = await admin.issue_backup_code(auth.account, member, info)
    except CatalogueError as error:
        return await member_page(request, auth, org, member, error)
    return render(request, "recovery_admin_done.html", auth=auth, org=org, member=member,
                  action=action, shown=shown, force_change=form.flag("force_change"))


async def _member(request: Request, org: Org, account_id: str) -> Account:
    member = await runtime_of(request).directory.account(account_id[:64])
    if member.org_id != org.id:
        raise CatalogueError("NOT_FOUND")
    return member


@router.post("/admin/orgs/{slug}/members/{account_id}/reset-password")
async def staff_reset_password(slug: str, account_id: str, request: Request) -> Response:
    return await _staff_act(request, slug, account_id, "reset-password")


@router.post("/admin/orgs/{slug}/members/{account_id}/reset-mfa")
async def staff_reset_mfa(slug: str, account_id: str, request: Request) -> Response:
    return await _staff_act(request, slug, account_id, "reset-mfa")


@router.post("/admin/orgs/{slug}/members/{account_id}/backup-code")
async def staff_backup_code(slug: str, account_id: str, request: Request) -> Response:
    return await _staff_act(request, slug, account_id, "backup-code")

