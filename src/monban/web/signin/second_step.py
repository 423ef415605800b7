"""/signin/mfa: the second step of signing in, after the password.

State `mfa`: prove one of the enrolled factors (the preferred one first; "Sign in another
way" lists the others). State `mfa_enroll` (the org requires MFA and the member has none): the
member enrols one first, on the pages of account/factors.py, before the session starts. They
drive SecondStep exactly as the JSON API's /api/v1/signin/flows/{id}/mfa/... routes do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.factors.base import FactorRecord
from monban.signin.second_step import MFA_ENROLL
from monban.store import flows
from monban.web.forms import read_form
from monban.web.help.troubleshoot import remember_error
from monban.web.mfa import (
    LOW_BACKUP_CODES,
    factor_response,
    json_error,
    kind_hints,
    kinds,
    mask,
    mfa_error,
    remaining_codes,
    scripted,
    sent_kinds,
)
from monban.web.page_route import PageRoute
from monban.web.render import page_language, redirect, render
from monban.web.signin.first_step import (
    mfa_url,
    next_target,
    session_limit_page,
    signed_in_response,
    signin_form_page,
)
from monban.web.visitor import visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ONE_FOR_ALL = frozenset({"webauthn"})
"""Kinds whose challenge accepts any of the account's factors of that kind."""


@dataclass(frozen=True, slots=True)
class Step:
    """A flow waiting for its second step, as the page needs it."""

    flow: flows.Flow
    account: Account
    settings: OrgSettings
    factors: list[FactorRecord]
    enrollable: list[str]

    @property
    def state(self) -> str:
        return self.flow.state

    def factor(self, factor_id: str | None) -> FactorRecord | None:
        if not self.factors:
            return None
        return next((f for f in self.factors if f.id == factor_id), self.factors[0])

    def challenged(self, factor_id: str) -> bool:
        return factor_id in self.flow.data.get("challenges", {})


async def load_step(request: Request, flow_id: str) -> Step:
    """The flow and what SecondStep.required said about it (FLOW_EXPIRED otherwise)."""
    loaded, step = await runtime_of(request).second_step.describe(flow_id[:100],
                                                                  request_info(request))
    assert loaded.account is not None
    ordered: list[FactorRecord] = []
    for record in step.factors:
        if record.kind in ONE_FOR_ALL and any(f.kind == record.kind for f in ordered):
            continue  # one security-key button: the browser is offered every key
        ordered.append(record)
    return Step(loaded.flow, loaded.account, loaded.settings, ordered, step.enrollable)


def _retry_after(error: CatalogueError) -> int:
    """Seconds before another code may be sent, when that is why a challenge was refused."""
    wait = error.detail.get("retry_after") if error.code == "INVALID_REQUEST" else None
    return wait if isinstance(wait, int) else 0


def _way(factor: FactorRecord) -> str:
    return mask(factor.target) if factor.target else factor.name


async def mfa_page(request: Request, step: Step, next_url: str, *,
                   factor_id: str | None = None, error: CatalogueError | None = None,
                   public: dict[str, Any] | None = None) -> Response:
    language = page_language(request)
    if step.state == MFA_ENROLL:
        return render(request, "mfa_enroll_choice.html", status=error.status if error else 200,
                      error=error, flow_id=step.flow.id, next=next_url,
                      identifier=step.account.label, enrollable=step.enrollable, kinds=kinds(),
                      kind_hints=kind_hints())
    factor = step.factor(factor_id)
    if factor is None:  # the org stopped allowing every factor the member has
        return signin_form_page(request, next_url=next_url,
                                error=CatalogueError("SIGNIN_METHOD_NOT_ALLOWED"))
    view = mfa_error(request, error, language, factor.kind) if error else None
    others = [(f, mfa_url(step.flow.id, next_url, factor=f.id)) for f in step.factors
              if f.id != factor.id]
    response = render(request, "mfa.html", status=error.status if error else 200, error=view,
                      scripts=factor.kind in scripted("verify"), flow_id=step.flow.id,
                      next=next_url, push=_push(step, factor, public),
                      identifier=step.account.label, factor=factor, others=others,
                      kinds=kinds(), way=_way, sent_to=(public or {}).get("sent_to")
                      or mask(factor.target), trust_days=step.settings.trusted_browser_days,
                      wait=_seconds(request.query_params.get("wait")))
    if error is not None:  # "Problem signing in?" starts from what this page showed
        remember_error(response, request, error.code)
    return response


def _push(step: Step, factor: FactorRecord, public: dict[str, Any] | None
          ) -> dict[str, Any] | None:
    """The push request the page shows (its number), fresh or from the flow."""
    if factor.kind != "push":
        return None
    if public and public.get("challenge_id"):
        return public
    kept = step.flow.data.get("challenges", {}).get(factor.id)
    return dict(kept) if isinstance(kept, dict) and kept.get("number") else None


def _seconds(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 4 else 0


@router.get("/signin/mfa")
async def show(request: Request) -> Response:
    await visitor(request)
    next_url = next_target(request)
    try:
        step = await load_step(request, request.query_params.get("flow", ""))
    except CatalogueError as error:
        return signin_form_page(request, next_url=next_url, error=error)
    factor = step.factor(request.query_params.get("factor"))
    if (factor is None or factor.kind not in sent_kinds() | {"push"}
            or step.challenged(factor.id)
            or request.query_params.get("sent") == "1"):
        return await mfa_page(request, step, next_url,
                              factor_id=factor.id if factor else None)
    try:  # a code is sent when its page is first shown; "Resend code" sends another
        challenge = await runtime_of(request).second_step.challenge(
            step.flow.id, factor.id, request_info(request))
    except CatalogueError as error:
        if _retry_after(error):  # sent moments ago (the page was reloaded): that code stands
            return await mfa_page(request, step, next_url, factor_id=factor.id)
        return await mfa_page(request, step, next_url, factor_id=factor.id, error=error)
    return await mfa_page(request, step, next_url, factor_id=factor.id,
                          public=challenge.public)


@router.post("/signin/mfa/resend")
async def resend(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    flow_id, factor_id = form.text("flow", 100), form.text("factor", 100)
    try:
        await runtime_of(request).second_step.challenge(flow_id, factor_id,
                                                        request_info(request))
    except CatalogueError as error:
        wait = _retry_after(error)
        if wait:
            return redirect(mfa_url(flow_id, next_url, factor=factor_id, sent="1",
                                    wait=str(wait)))
        return await _refused(request, flow_id, factor_id, next_url, error)
    if form.text("kind", 20) == "push":  # a new push request: no "code sent" notice
        return redirect(mfa_url(flow_id, next_url, factor=factor_id, sent="1"))
    return redirect(mfa_url(flow_id, next_url, factor=factor_id, sent="1",
                            notice="code_sent"))


@router.post("/signin/mfa/options")
async def options(request: Request) -> Response:
    """webauthn.js asks here for the request options of the chosen security key."""
    try:
        form = await read_form(request)
        challenge = await runtime_of(request).second_step.challenge(
            form.text("flow", 100), form.text("factor", 100), request_info(request))
    except CatalogueError as error:
        return json_error(request, error)
    return JSONResponse({"options": challenge.public.get("options", challenge.public)},
                        headers={"Cache-Control": "no-store"})


@router.post("/signin/mfa")
async def verify(request: Request) -> Response:
    form = await read_form(request)
    next_url = next_target(request, form.text("next", 512))
    flow_id, factor_id = form.text("flow", 100), form.text("factor", 100)
    runtime = runtime_of(request)
    kind = form.text("kind", 20)
    try:
        result = await runtime.second_step.verify(
            flow_id, factor_id, factor_response(kind, form), request_info(request),
            form.flag("trust_browser"))
    except CatalogueError as error:
        if error.code == "CONCURRENT_SESSION_LIMIT":
            return session_limit_page(request, flow_id, next_url, error)
        return await _refused(request, flow_id, factor_id, next_url, error)
    if kind == "backup_code":
        record = next((f for f in await runtime.factors.enrolled(result.account.id)
                       if f.kind == "backup_code"), None)
        left = remaining_codes(record) if record else None
        if left is not None and left <= LOW_BACKUP_CODES:
            next_url = "/account/security#two-step"  # it asks for a new set
    return signed_in_response(request, result, next_url)


async def _refused(request: Request, flow_id: str, factor_id: str, next_url: str,
                   error: CatalogueError) -> Response:
    """The second step again with the refusal; the sign-in page if the flow is over."""
    try:
        step = await load_step(request, flow_id)
    except CatalogueError:
        return signin_form_page(request, next_url=next_url, error=error)
    return await mfa_page(request, step, next_url, factor_id=factor_id, error=error)
