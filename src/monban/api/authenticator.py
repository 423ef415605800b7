"""/api/v1/authenticator: the Monban Authenticator app's API (and a mobile app's, later).

Linking is the only unsigned call (it carries a one-time link code from the security page).
Every other call is signed by the device's Ed25519 key (devices/signature.py: headers
X-Monban-Device, -Timestamp, -Nonce, -Signature, -Authenticator-Version), refused when the
signature, the timestamp window or the nonce is wrong (a replay), and refused with
AUTHENTICATOR_UPDATE_REQUIRED when the app is older than the server's or the org's minimum.

Also here: the signed-in person's own devices (/api/v1/me/authenticator/...), the browser's
side of a push (its status) and of a QR sign-in, and an org admin's / support's way to turn a
member's sign-in restriction off when every device is gone (audited)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import segno
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import Field

from monban.admin.authorization import Action, Target, authorize
from monban.api.auth import current_session
from monban.api.flow_token import FLOW_TOKEN
from monban.api.models import Strict
from monban.api.signin import signin_answer
from monban.api.views import session_view
from monban.devices import signature
from monban.devices.qr_signin import QrSignInService
from monban.devices.service import Caller, DeviceRequest, DeviceService
from monban.devices.setup import channel
from monban.edge.app_runtime import runtime_of
from monban.edge.error_json import ACCOUNT_LANGUAGE
from monban.edge.request_facts import flow_binder, request_info
from monban.errors import CatalogueError
from monban.factors.base import FactorContext
from monban.notify.fanout import KEEPALIVE_SECONDS
from monban.sessions.service import Authenticated
from monban.signin.request_info import RequestInfo
from monban.store.devices import Device
from monban.store.push_challenges import PushChallenge

router = APIRouter(tags=["Monban Authenticator"])
SIGNED = {"description": "Signed by the device key (see the tag's description)."}



def _devices(request: Request) -> DeviceService:
    service: DeviceService = runtime_of(request).authenticator
    return service


def _qr(request: Request) -> QrSignInService:
    service: QrSignInService = runtime_of(request).qr_signin
    return service


async def signed_device(
        request: Request,
        x_monban_device: str = Header("", description="The device id given at linking."),
        x_monban_timestamp: str = Header("", description="Unix time in seconds; refused "
                                         "outside the server's window (default 300 s)."),
        x_monban_nonce: str = Header("", description="16-64 URL-safe characters, new for "
                                     "every request; a nonce seen before is a replay."),
        x_monban_signature: str = Header("", description=(
            "base64url Ed25519 signature of 'monban-device-v1\\nMETHOD\\npath?query\\n"
            "timestamp\\nnonce\\nhex(sha256(body))'.")),
        x_monban_authenticator_version: str = Header("", description=(
            "The app's version; older than the server's or the org's minimum: "
            "AUTHENTICATOR_UPDATE_REQUIRED."))) -> Caller:
    """The device behind a signed request (FastAPI dependency; the headers are read from
    the request as sent, and declared here for the OpenAPI schema)."""
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    info = request_info(request)
    caller = await _devices(request).authenticate(DeviceRequest(
        method=request.method, path=path, headers=dict(request.headers),
        body=await request.body(), ip=str(info.ip), user_agent=info.user_agent))
    request.scope[ACCOUNT_LANGUAGE] = caller.account.language
    return caller


def device_view(device: Device) -> dict[str, Any]:
    return {"id": device.id, "name": device.name, "platform": device.platform,
            "app_version": device.app_version, "created_at": device.created_at.isoformat(),
            "last_seen_at": device.last_seen_at.isoformat()}


def challenge_view(challenge: PushChallenge) -> dict[str, Any]:
    """What the app shows: never the number itself, only the three choices."""
    return {"id": challenge.id, "choices": challenge.choices,
            "ip": challenge.context.get("ip"), "browser": challenge.context.get("browser"),
            "location": challenge.context.get("location"),
            "created_at": challenge.created_at.isoformat(),
            "expires_at": challenge.expires_at.isoformat()}


# The app: linking ----------------------------------------------------------------------

class LinkDevice(Strict):
    code: str = Field(min_length=1, max_length=40)
    public_key: str = Field(min_length=43, max_length=43)
    """Ed25519 public key, 32 bytes, base64url without padding."""
    name: str = Field(default="", max_length=100)
    platform: str = Field(default="", max_length=100)


@router.post("/api/v1/authenticator/devices", status_code=201)
async def link_device(body: LinkDevice, request: Request) -> Any:
    """Register the app's public key with the one-time link code shown on the security
    page (send X-Monban-Authenticator-Version too). The answer carries the account's
    authenticator-app secret, so the app shows codes that work offline."""
    info = request_info(request)
    linked = await _devices(request).link(
        body.code, body.public_key, body.name, body.platform,
        request.headers.get(signature.VERSION, "")[:32], str(info.ip), info.user_agent)
    return JSONResponse({
        "device": device_view(linked.device),
        "account": {"id": linked.account.id, "label": linked.account.label},
        "totp": {"secret": linked.totp_secret, "otpauth_uri": linked.otpauth_uri},
        "app_name": _devices(request).setup.app_name,
    }, status_code=201, headers={"Cache-Control": "no-store"})


# The app: signed calls -----------------------------------------------------------------

@router.get("/api/v1/authenticator/device", responses={200: SIGNED})
async def this_device(request: Request, caller: Caller = Depends(signed_device)) -> Any:
    """This device, its account, and the minimum app version that applies to it."""
    service = _devices(request)
    return {"device": device_view(caller.device),
            "account": {"id": caller.account.id, "label": caller.account.label},
            "minimum_version": service.setup.required_version(caller.settings),
            "restricted": await service.restricted(caller.account.id)}


@router.get("/api/v1/authenticator/challenges", responses={200: SIGNED})
async def pending_challenges(request: Request, caller: Caller = Depends(signed_device)) -> Any:
    """Sign-in requests waiting for this device's answer."""
    return {"challenges": [challenge_view(c) for c in await _devices(request).pending(caller)]}


@router.get("/api/v1/authenticator/events", responses={200: {
    "description": "text/event-stream: `event: challenge` with a challenge as JSON data, "
                   "`: keepalive` comments. Signed like every device call.",
    "content": {"text/event-stream": {}}}})
async def events(request: Request, caller: Caller = Depends(signed_device)) -> Any:
    """Server-sent events: every pending sign-in request for this device, then each new one
    as it is created on any Monban node (Redis pub/sub fan-out when configured)."""
    service = _devices(request)

    async def stream() -> AsyncIterator[str]:
        sent: set[str] = set()
        async with service.setup.fanout.subscribe(channel(caller.account.id)) as subscription:
            yield ": connected\n\n"
            while True:
                for challenge in await service.pending(caller):
                    if challenge.id not in sent:
                        sent.add(challenge.id)
                        yield f"event: challenge\ndata: {json.dumps(challenge_view(challenge))}\n\n"
                if await request.is_disconnected():
                    return
                if await subscription.next(KEEPALIVE_SECONDS) is None:
                    yield ": keepalive\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


class Answer(Strict):
    number: int | None = Field(default=None, ge=0, le=99)
    deny: bool = False


@router.post("/api/v1/authenticator/challenges/{challenge_id}/answer",
             responses={200: SIGNED})
async def answer(challenge_id: str, body: Answer, request: Request,
                 caller: Caller = Depends(signed_device)) -> Any:
    """The person picked a number (approve) or denied. Answers once: the first answer wins
    (later ones: FLOW_EXPIRED; after expiry: PUSH_TIMED_OUT). A number that is not the one
    shown in the browser is refused and counts as a failed attempt."""
    if body.number is None and not body.deny:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "number"})
    result = await _devices(request).answer(caller, challenge_id, body.number, body.deny,
                                            str(request_info(request).ip))
    return {"result": result}


@router.get("/api/v1/authenticator/qr/{qr_id}", responses={200: SIGNED})
async def qr_request(qr_id: str, request: Request,
                     caller: Caller = Depends(signed_device)) -> Any:
    """A QR sign-in the app has read: which browser asks (shown before approving)."""
    found = await _qr(request).describe(caller, qr_id)
    return {"id": found.id, "ip": found.context.get("ip"),
            "browser": found.context.get("browser"), "status": found.status,
            "expires_at": found.expires_at.isoformat()}


@router.post("/api/v1/authenticator/qr/{qr_id}/approve", responses={200: SIGNED})
async def qr_approve(qr_id: str, request: Request,
                     caller: Caller = Depends(signed_device)) -> Any:
    """Sign the browser that shows this QR code in to this device's account (when the org
    allows QR sign-in)."""
    await _qr(request).approve(caller, qr_id, str(request_info(request).ip))
    return {"approved": True}


class Restriction(Strict):
    restricted: bool


@router.get("/api/v1/authenticator/restriction", responses={200: SIGNED})
async def restriction(request: Request, caller: Caller = Depends(signed_device)) -> Any:
    return {"restricted": await _devices(request).restricted(caller.account.id)}


@router.put("/api/v1/authenticator/restriction", responses={200: SIGNED})
async def set_restriction(body: Restriction, request: Request,
                          caller: Caller = Depends(signed_device)) -> Any:
    """"Restrict sign-in": while on, every new sign-in is refused with SIGNIN_RESTRICTED;
    sessions already open keep working."""
    await _devices(request).set_restriction(caller.account, body.restricted, caller.account.id,
                                            str(request_info(request).ip), caller.device.id)
    return {"restricted": body.restricted}


@router.get("/api/v1/authenticator/sessions", responses={200: SIGNED})
async def sessions(request: Request, caller: Caller = Depends(signed_device)) -> Any:
    live = await runtime_of(request).sessions.list_live(caller.account, caller.settings)
    return {"sessions": [session_view(s) for s in live]}


@router.delete("/api/v1/authenticator/sessions/{session_id}", responses={200: SIGNED})
async def end_session(session_id: str, request: Request,
                      caller: Caller = Depends(signed_device)) -> Any:
    if not await runtime_of(request).sessions.end(caller.account, session_id[:100],
                                                caller.account, str(request_info(request).ip)):
        raise CatalogueError("NOT_FOUND")
    return {"ended": True}


# The signed-in person: their devices ---------------------------------------------------

class NewLink(Strict):
    name: str = Field(default="", max_length=100)


@router.post("/api/v1/me/authenticator/links", status_code=201)
async def new_link(body: NewLink, request: Request,
                   auth: Authenticated = Depends(current_session)) -> Any:
    """A one-time link code (10 minutes) and its QR code, for `monban-authenticator link`.
    The same as enrolling the "push" factor."""
    info = request_info(request)
    ctx = FactorContext(account=auth.account, settings=auth.settings, request=info,
                        now=runtime_of(request).clock.now(), origin=_origin(request))
    enrollment = await runtime_of(request).factors.enroll(ctx, "push", body.name, {})
    return JSONResponse({"link": {"id": enrollment.id, **enrollment.display,
                                  "expires_at": enrollment.expires_at.isoformat()
                                  if enrollment.expires_at else None}},
                        status_code=201, headers={"Cache-Control": "no-store"})


def _origin(request: Request) -> str:
    base = runtime_of(request).settings.base_url.rstrip("/")
    return base or request_info(request).origin


@router.get("/api/v1/me/authenticator/devices")
async def my_devices(request: Request, auth: Authenticated = Depends(current_session)) -> Any:
    service = _devices(request)
    return {"devices": [device_view(d) for d in await service.devices(auth.account.id)],
            "restricted": await service.restricted(auth.account.id)}


@router.delete("/api/v1/me/authenticator/devices/{device_id}")
async def remove_device(device_id: str, request: Request,
                        auth: Authenticated = Depends(current_session)) -> Any:
    info = request_info(request)
    await _devices(request).remove(auth.account, device_id, auth.account, str(info.ip),
                                   info.user_agent)
    return {"removed": True}


# The browser signing in ----------------------------------------------------------------

@router.get("/api/v1/signin/flows/{flow_id}/push/{challenge_id}", dependencies=[FLOW_TOKEN])
async def push_status(flow_id: str, challenge_id: str, request: Request) -> Any:
    """While the sign-in page waits: `pending`, `answered` (then POST .../mfa/verify to
    take the outcome) or `expired`."""
    status = await _devices(request).push_status(flow_id, challenge_id,
                                                 request_info(request))
    return JSONResponse({"status": status}, headers={"Cache-Control": "no-store"})


@router.post("/api/v1/signin/qr", status_code=201, dependencies=[FLOW_TOKEN])
async def start_qr(request: Request) -> Any:
    """Start a QR sign-in: show `payload` as a QR code; keep `secret` to finish, and present
    `flow_token` as `X-Flow-Token` when finishing (the flow the finish starts is bound to
    it, for CONCURRENT_SESSION_LIMIT's "end other sessions")."""
    info = request_info(request)
    started = await _qr(request).start(_with_origin(info, _origin(request)))
    return JSONResponse({"qr": {
        "id": started.id, "secret": started.secret, "payload": started.payload,
        "qr_svg": segno.make(started.payload, error="m").svg_inline(scale=4),
        "expires_at": started.expires_at.isoformat()}, "flow_token": flow_binder(request)},
        status_code=201,
        headers={"Cache-Control": "no-store"})


def _with_origin(info: RequestInfo, origin: str) -> RequestInfo:
    return replace(info, origin=origin)


class FinishQr(Strict):
    secret: str = Field(min_length=1, max_length=100)


@router.post("/api/v1/signin/qr/{qr_id}/finish", dependencies=[FLOW_TOKEN])
async def finish_qr(qr_id: str, body: FinishQr, request: Request) -> Any:
    """Poll until the app approves: `{"state": "pending"}`, then the session (once)."""
    result = await _qr(request).finish(qr_id, body.secret, request_info(request))
    if isinstance(result, str):
        return JSONResponse({"state": result}, status_code=202,
                            headers={"Cache-Control": "no-store"})
    return signin_answer(request, result)


# Org admins and support: when every device is gone ---------------------------------------

@router.delete("/api/v1/orgs/{org_key}/members/{account_id}/signin-restriction",
               tags=["administration"])
async def lift_restriction(org_key: str, account_id: str, request: Request,
                           auth: Authenticated = Depends(current_session)) -> Any:
    """Turn a member's sign-in restriction off (their authenticator devices are lost):
    support or an org admin, after checking who asks. Audited with the actor."""
    runtime = runtime_of(request)
    org = await runtime.directory.org(org_key)
    authorize(auth.account, Action.READ_ORG, Target(org.id))
    member = await runtime.directory.account(account_id)
    if member.org_id != org.id:
        raise CatalogueError("NOT_FOUND")
    changed = await _devices(request).set_restriction(member, False, auth.account.id,
                                                      str(request_info(request).ip))
    return {"restricted": False, "changed": changed}
