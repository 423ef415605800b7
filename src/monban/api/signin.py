"""/api/v1/signin: the sign-in flow as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from monban.api.auth import current_session
from monban.api.flow_token import FLOW_TOKEN
from monban.api.models import (
    FactorChallenge,
    FactorConfirm,
    FactorEnroll,
    FactorVerify,
    StartFlow,
    Strict,
    SubmitPassword,
)
from monban.api.views import (
    account_view,
    enrollment_view,
    flow_view,
    second_step_view,
    session_view,
)
from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import flow_binder, request_info
from monban.sessions.service import Authenticated
from monban.signin import password_change
from monban.signin.flow import SignedIn
from monban.signin.second_step import SecondStepRequired

router = APIRouter(prefix="/api/v1/signin", tags=["sign-in"])



def signin_answer(request: Request, result: SignedIn | SecondStepRequired,
                  started: bool = False) -> JSONResponse:
    """`started`: the flow was started by this request (`flow_token` is answered)."""
    if isinstance(result, SecondStepRequired):
        step = second_step_view(result)
        if started:
            step["flow_token"] = flow_binder(request)
        return JSONResponse(step, headers={"Cache-Control": "no-store"})
    runtime = runtime_of(request)
    body: dict[str, Any] = {
        "state": "done", "token": result.token,
        "session": session_view(result.session, result.session.id),
        "account": account_view(result.account)}
    response = JSONResponse(body, headers={"Cache-Control": "no-store"})
    cookies.set_session(response, runtime, request, result.token, result.session.persistent,
                        result.session.expires_at, runtime.clock.now())
    return response


@router.post("/flows", status_code=201, dependencies=[FLOW_TOKEN])
async def start_flow(body: StartFlow, request: Request) -> Any:
    """Start signing in with an identifier (email, E.164 mobile number or username). With
    `password` as well, the password step runs in the same call. The answer carries
    `flow_token` once: every later step of the flow presents it as `X-Flow-Token` (or the
    `monban_flow` cookie set here does); without it a step answers FLOW_EXPIRED."""
    runtime = runtime_of(request)
    info = request_info(request)
    if body.password is not None:
        result = await runtime.signin.start_and_submit(body.identifier, body.password, info,
                                                       body.keep_signed_in)
        return signin_answer(request, result, started=True)
    flow = await runtime.signin.start(body.identifier, info, body.keep_signed_in)
    return JSONResponse({"flow": flow_view(flow), "flow_token": flow_binder(request)},
                        status_code=201, headers={"Cache-Control": "no-store"})


@router.get("/flows/{flow_id}", dependencies=[FLOW_TOKEN])
async def get_flow(flow_id: str, request: Request) -> Any:
    flow = await runtime_of(request).signin.flow(flow_id, request_info(request))
    return {"flow": flow_view(flow)}


@router.post("/flows/{flow_id}/password", dependencies=[FLOW_TOKEN])
async def submit_password(flow_id: str, body: SubmitPassword, request: Request) -> Any:
    result = await runtime_of(request).signin.submit_password(
        flow_id, body.password, request_info(request), body.keep_signed_in)
    return signin_answer(request, result)


class SubmitCode(Strict):
    code: str = Field(max_length=20)
    keep_signed_in: bool | None = None


@router.post("/flows/{flow_id}/code", dependencies=[FLOW_TOKEN])
async def send_signin_code(flow_id: str, request: Request) -> Any:
    """Passwordless: send a one-time code to the account's email address (or mobile number,
    when that was typed or there is no usable address) instead of asking for the password.
    SIGNIN_METHOD_NOT_ALLOWED when the org switched it off or hosts that address's mail."""
    sent = await runtime_of(request).passwordless.send_code(flow_id, request_info(request))
    return {"sent_to": sent.sent_to, "resend_after": sent.resend_after,
            "expires_at": sent.expires_at.isoformat()}


@router.post("/flows/{flow_id}/code/verify", dependencies=[FLOW_TOKEN])
async def verify_signin_code(flow_id: str, body: SubmitCode, request: Request) -> Any:
    """The code in place of the password; then the second step, if due, else the session."""
    result = await runtime_of(request).passwordless.submit_code(
        flow_id, body.code, request_info(request), body.keep_signed_in)
    return signin_answer(request, result)


class NewPassword(Strict):
    password: str = Field(max_length=1024)


@router.post("/flows/{flow_id}/new-password", dependencies=[FLOW_TOKEN])
async def new_password(flow_id: str, body: NewPassword, request: Request) -> Any:
    """After PASSWORD_EXPIRED (too old, or an admin asked for a change): set a new password
    under the org's policy, then signing in goes on (the second step, else the session)."""
    result = await password_change.submit_new_password(runtime_of(request), flow_id,
                                                       body.password, request_info(request))
    return signin_answer(request, result)


@router.post("/flows/{flow_id}/end-other-sessions", dependencies=[FLOW_TOKEN])
async def end_other_sessions(flow_id: str, request: Request) -> Any:
    """After CONCURRENT_SESSION_LIMIT: end the other browser sessions and finish signing in."""
    result = await runtime_of(request).signin.end_other_sessions_and_continue(
        flow_id, request_info(request))
    return signin_answer(request, result)


@router.post("/flows/{flow_id}/mfa/challenge", dependencies=[FLOW_TOKEN])
async def mfa_challenge(flow_id: str, body: FactorChallenge, request: Request) -> Any:
    """Prepare the chosen second factor: send its code, or get WebAuthn request options."""
    result = await runtime_of(request).second_step.challenge(flow_id, body.factor_id,
                                                           request_info(request))
    return {"challenge": result.public}


@router.post("/flows/{flow_id}/mfa/verify", dependencies=[FLOW_TOKEN])
async def mfa_verify(flow_id: str, body: FactorVerify, request: Request) -> Any:
    """Answer the second factor; `trust_browser` skips MFA on this browser for the org's
    trusted-browser period."""
    result = await runtime_of(request).second_step.verify(
        flow_id, body.factor_id, body.response, request_info(request), body.trust_browser)
    return signin_answer(request, result)


@router.post("/flows/{flow_id}/mfa/enroll/{kind}", status_code=201, dependencies=[FLOW_TOKEN])
async def mfa_enroll(flow_id: str, kind: str, body: FactorEnroll, request: Request) -> Any:
    """When the org requires MFA and the member has none: start enrolling one."""
    enrollment = await runtime_of(request).second_step.enroll(
        flow_id, kind, body.name, body.params, request_info(request))
    return {"enrollment": enrollment_view(enrollment)}


@router.post("/flows/{flow_id}/mfa/enroll/{kind}/{enrollment_id}/confirm",
             dependencies=[FLOW_TOKEN])
async def mfa_enroll_confirm(flow_id: str, kind: str, enrollment_id: str, body: FactorConfirm,
                             request: Request) -> Any:
    result = await runtime_of(request).second_step.confirm(
        flow_id, kind, enrollment_id, body.response, request_info(request), body.trust_browser)
    return signin_answer(request, result)


@router.post("/signout")
async def sign_out(request: Request, auth: Authenticated = Depends(current_session)) -> Any:
    runtime = runtime_of(request)
    await runtime.sessions.end(auth.account, auth.session.id, auth.account,
                               str(request_info(request).ip))
    response = JSONResponse({"signed_out": True})
    cookies.clear_session(response, runtime, request)
    return response
