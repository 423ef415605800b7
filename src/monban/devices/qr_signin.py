"""QR sign-in: the sign-in page shows a QR code, the authenticator app reads it and
approves, and the browser's flow completes without a password, when the member's org allows
it (OrgSettings.qr_signin_allowed).

The QR code holds the request's id; the browser also holds a secret of its own (only its
hash is stored), so a person who sees the QR code cannot take the session that an approval
opens. The app shows the browser's IP address and kind before approving, because the
classic attack on QR sign-in is a stranger showing you *their* QR code. The sign-in still
passes every after-secret policy (disabled account, SIGNIN_RESTRICTED, daily limit,
concurrent sessions) through SignInService.complete.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import Connection

from monban.devices.service import Caller, DeviceService, _audit
from monban.errors import CatalogueError
from monban.sessions.device import describe
from monban.signin.flow import SignedIn, SignInService
from monban.signin.flow_access import Loaded, binder_hash_for, loaded_flow
from monban.signin.request_info import RequestInfo
from monban.store import devices as device_store
from monban.store import flows, push_challenges
from monban.store.flow_states import FlowKind, FlowState
from monban.store.ids import new_token
from monban.store.push_challenges import PushChallenge

QR_STATE = FlowState.QR


@dataclass(frozen=True, slots=True)
class QrSignIn:
    id: str
    secret: str
    """The browser's own: needed to finish, never in the QR code."""
    payload: str
    expires_at: datetime


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def qr_payload(origin: str, qr_id: str) -> str:
    return f"monban-authenticator://signin?server={quote(origin, safe='')}&id={qr_id}"


class QrSignInService:
    def __init__(self, devices: DeviceService, signin: SignInService) -> None:
        self._devices = devices
        self._signin = signin

    async def start(self, request: RequestInfo) -> QrSignIn:
        devices = self._devices
        now = devices.clock.now()
        secret = new_token()
        challenge = PushChallenge(
            id=new_token(), kind="qr", account_id=None, device_id=None, flow_id=None, number=0,
            choices=[], context={"ip": str(request.ip), "browser": describe(request.user_agent),
                                 "secret_hash": _hash(secret)},
            status=push_challenges.PENDING, created_at=now,
            expires_at=now + devices.setup.push_ttl, answered_at=None)
        await devices.db.run(push_challenges.add, challenge)
        return QrSignIn(challenge.id, secret, qr_payload(request.origin, challenge.id),
                        challenge.expires_at)

    async def describe(self, caller: Caller, qr_id: str) -> PushChallenge:
        """What the app shows before approving: the browser's IP and kind."""
        found = await self._devices.db.run(push_challenges.get, qr_id[:60], write=False)
        if found is None or found.kind != "qr":
            raise CatalogueError("NOT_FOUND")
        return found

    async def approve(self, caller: Caller, qr_id: str, ip: str) -> None:
        devices = self._devices
        if not caller.settings.qr_signin_allowed:
            raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"method": "qr"})
        if await devices.restricted(caller.account.id):
            raise CatalogueError("SIGNIN_RESTRICTED")
        now = devices.clock.now()
        found = await self.describe(caller, qr_id)
        if not await devices.db.run(push_challenges.approve_qr, found.id, caller.account.id,
                                     caller.device.id, now):
            if found.expires_at <= now:
                raise CatalogueError("PUSH_TIMED_OUT")
            raise CatalogueError("FLOW_EXPIRED", detail={"qr": "used_already"})
        await devices.db.run(_audit, now, "authenticator.qr.approved", caller.account,
                             caller.account.id, ip, "",
                             {"device": caller.device.id,
                              "browser_ip": found.context.get("ip")})

    async def status(self, qr_id: str, secret: str) -> str:
        """For the waiting page, without taking anything: pending | approved | expired."""
        found = await self._devices.db.run(push_challenges.get, qr_id[:60], write=False)
        if (found is None or found.kind != "qr" or not hmac.compare_digest(
                str(found.context.get("secret_hash")), _hash(secret[:100]))):
            return "expired"
        if found.status == push_challenges.PENDING:
            return "pending" if found.expires_at > self._devices.clock.now() else "expired"
        return "approved" if found.status == push_challenges.APPROVED else "expired"

    async def finish(self, qr_id: str, secret: str, request: RequestInfo
                     ) -> SignedIn | str:
        """"pending" while the app has not approved; the session once it has (once)."""
        devices = self._devices
        now = devices.clock.now()
        outcome = await devices.db.run(_take, qr_id[:60], secret[:100], now, request,
                                        self._signin_ttl())
        if isinstance(outcome, str):
            if outcome == "pending":
                return outcome
            raise CatalogueError("PUSH_TIMED_OUT" if outcome == "expired" else "FLOW_EXPIRED")
        loaded = outcome
        assert loaded.account is not None
        ctx = self._signin.context(loaded, request, now)
        ctx.note("qr_signin", True, device=loaded.flow.data.get("device"))
        return await self._signin.complete(loaded.flow, (QR_STATE,), loaded.account,
                                           loaded.settings, request, ctx, ["swk"])

    def _signin_ttl(self) -> int:
        return int(self._devices.setup.push_ttl.total_seconds())


def _take(conn: Connection, qr_id: str, secret: str, now: datetime, request: RequestInfo,
          ttl: int) -> Loaded | str:
    found = push_challenges.get(conn, qr_id)
    if (found is None or found.kind != "qr"
            or not hmac.compare_digest(str(found.context.get("secret_hash")), _hash(secret))):
        return "unknown"
    if found.status == push_challenges.PENDING:
        return "pending" if found.expires_at > now else "expired"
    if (found.status != push_challenges.APPROVED or found.account_id is None
            or not push_challenges.use(conn, found.id, push_challenges.APPROVED)):
        return "used"
    if device_store.get(conn, found.device_id or "") is None:
        return "used"  # the device was removed in between
    flow = flows.Flow(
        id=new_token(), kind=FlowKind.SIGNIN, state=QR_STATE, account_id=found.account_id,
        ip=str(request.ip), user_agent=request.user_agent[:512], device_id=request.device_id,
        keep_signed_in=False, created_at=now, expires_at=now + timedelta(seconds=ttl),
        binder_hash=binder_hash_for(request),
        data={"amr": ["swk"], "device": found.device_id, "method": "qr"})
    flows.insert(conn, flow)
    return loaded_flow(conn, flow, request.device_id)
