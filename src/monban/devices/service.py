"""The authenticator app's server side, free of HTTP: link a device, authenticate its signed
requests, answer push requests, approve QR sign-ins, switch the sign-in restriction.

api/authenticator.py translates HTTP to these calls; pages use the same service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import Connection

from monban.accounts.model import Account, Org
from monban.accounts.org_settings import DEFAULT_SETTINGS, OrgSettings
from monban.admin.authorization import Action, Target, authorize_stored
from monban.clock import Clock
from monban.crypto.code_hash import CodeHasher
from monban.crypto.sealing import Sealer
from monban.db.database import Database
from monban.devices import signature
from monban.devices.setup import AuthenticatorSetup
from monban.errors import CatalogueError
from monban.factors.base import FactorRecord
from monban.factors.push import LINK_PURPOSE
from monban.signin import lockout
from monban.signin.flow_access import load_unbound, open_flow
from monban.signin.request_info import RequestInfo
from monban.store import accounts, audit, orgs, push_challenges
from monban.store import devices as device_store
from monban.store import factors as factor_store
from monban.store.counters import Counters
from monban.store.devices import Device
from monban.store.flow_states import FlowState
from monban.store.ids import new_id
from monban.store.push_challenges import PushChallenge

NAME_MAX = 100
PLATFORM_MAX = 100


@dataclass(frozen=True, slots=True)
class Caller:
    """A verified device request: the device, its account and the account's org."""

    device: Device
    account: Account
    org: Org | None

    @property
    def settings(self) -> OrgSettings:
        return self.org.settings if self.org else DEFAULT_SETTINGS


@dataclass(frozen=True, slots=True)
class Linked:
    device: Device
    account: Account
    totp_secret: str
    otpauth_uri: str


@dataclass(frozen=True, slots=True)
class DeviceRequest:
    """What a signed request carries, as the web layer read it."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    ip: str
    user_agent: str


class DeviceService:
    def __init__(self, db: Database, clock: Clock, sealer: Sealer, codes: CodeHasher,
                 counters: Counters, setup: AuthenticatorSetup, issuer: str) -> None:
        self.db = db
        self.clock = clock
        self._sealer = sealer
        self._codes = codes
        self._counters = counters
        self.setup = setup
        self._issuer = issuer

    # Versions ----------------------------------------------------------------------------
    def check_version(self, version: str, settings: OrgSettings) -> None:
        if not signature.at_least(version, self.setup.required_version(settings)):
            raise CatalogueError("AUTHENTICATOR_UPDATE_REQUIRED", app=self.setup.app_name,
                              detail={"minimum": self.setup.required_version(settings)})

    # Linking -----------------------------------------------------------------------------
    async def link(self, code: str, public_key: str, name: str, platform: str, version: str,
                   ip: str, user_agent: str) -> Linked:
        """Register the app's public key with a link code from the security page. The same
        transaction creates the device's push factor and an authenticator-app (TOTP) factor
        whose secret goes back to the app, for codes that work offline."""
        if not signature.valid_public_key(public_key):
            raise CatalogueError("INVALID_REQUEST", detail={"field": "public_key"})
        now = self.clock.now()
        code_hash = self._codes.digest(LINK_PURPOSE, code[:40])
        account_id = await self.db.run(device_store.peek_link, code_hash, now, write=False)
        if account_id is None:
            raise CatalogueError("FLOW_EXPIRED", detail={"link": "unknown_or_used"})
        settings = await self.db.run(_settings_of, account_id, write=False)
        self.check_version(version, settings)
        secret = pyotp.random_base32()
        device = Device(
            id=new_id(), account_id=account_id, name=name.strip()[:NAME_MAX] or "Authenticator",
            platform=platform.strip()[:PLATFORM_MAX] or "unknown", app_version=version,
            public_key=public_key, totp_factor_id=new_id(), created_at=now, last_seen_at=now)
        account = await self.db.run(self._link, code_hash, device, secret, ip, user_agent)
        uri = pyotp.TOTP(secret).provisioning_uri(name=account.label, issuer_name=self._issuer)
        return Linked(device, account, secret, uri)

    def _link(self, conn: Connection, code_hash: str, device: Device, secret: str, ip: str,
              user_agent: str) -> Account:
        now = device.created_at
        account_id = device_store.take_link(conn, code_hash, now)
        account = accounts.get(conn, account_id) if account_id else None
        if account is None or account_id != device.account_id:
            raise CatalogueError("FLOW_EXPIRED", detail={"link": "unknown_or_used"})
        if not device_store.add_device(conn, device):
            raise CatalogueError("IDENTIFIER_TAKEN", detail={"field": "public_key"})
        device_store.link_used_by(conn, code_hash, device.id)
        for kind, name, sealed, data in (
                ("push", device.name, None, {}),
                ("totp", f"{self.setup.app_name} ({device.name})",
                 self._sealer.seal(secret, account.id), {"offset": 0, "device": device.id})):
            factor_store.insert(conn, FactorRecord(
                id=(device.totp_factor_id or new_id()) if kind == "totp" else new_id(),
                account_id=account.id, kind=kind, name=name[:100], target=None, secret=sealed,
                credential_id=device.id if kind == "push" else None, data=data,
                preferred=False, last_used_at=None,
                # the push factor first among equals (signing in offers it first)
                created_at=now if kind == "push" else now + timedelta(microseconds=1)))
        _audit(conn, now, "authenticator.linked", account, account.id, ip, user_agent,
               {"device": device.id, "name": device.name, "platform": device.platform,
                "version": device.app_version})
        return account

    # Devices -----------------------------------------------------------------------------
    async def devices(self, account_id: str) -> Sequence[Device]:
        return await self.db.run(device_store.list_for, account_id, write=False)

    async def remove(self, account: Account, device_id: str, actor: Account, ip: str,
                     user_agent: str = "") -> None:
        if not await self.db.run(_remove, account, device_id[:40], actor, ip, user_agent,
                                  self.clock.now()):
            raise CatalogueError("NOT_FOUND")

    # Signed requests ---------------------------------------------------------------------
    async def authenticate(self, request: DeviceRequest) -> Caller:
        headers = {k.lower(): v for k, v in request.headers.items()}
        device_id = headers.get(signature.DEVICE.lower(), "")[:40]
        stamp = headers.get(signature.TIMESTAMP.lower(), "")
        nonce = headers.get(signature.NONCE.lower(), "")
        signed = headers.get(signature.SIGNATURE.lower(), "")[:200]
        version = headers.get(signature.VERSION.lower(), "")[:32]
        if not (device_id and stamp.isdigit() and len(stamp) < 13 and signed
                and signature.NONCE_PATTERN.match(nonce)):
            raise CatalogueError("SIGNIN_REQUIRED", detail={"device": "unsigned"})
        found = await self.db.run(_caller, device_id, write=False)
        if found is None or not signature.verify(
                found.device.public_key, signed, request.method, request.path, stamp, nonce,
                request.body):
            raise CatalogueError("SIGNIN_REQUIRED", detail={"device": "unknown_or_bad_signature"})
        window = self.setup.window.total_seconds()
        now = self.clock.now()
        if abs(int(stamp) - now.timestamp()) > window:
            raise CatalogueError("INVALID_REQUEST", detail={"signature": "timestamp_out_of_window",
                                                         "server_time": int(now.timestamp())})
        try:
            self.check_version(version, found.settings)
        except CatalogueError as error:
            error.language = found.account.language
            raise
        if not await self.db.run(_spend, device_id, nonce, now,
                                  now + 2 * self.setup.window, version):
            raise CatalogueError("INVALID_REQUEST", detail={"signature": "replayed"})
        return found

    # Push --------------------------------------------------------------------------------
    async def pending(self, caller: Caller) -> Sequence[PushChallenge]:
        found = await self.db.run(push_challenges.pending_for, caller.account.id,
                                   self.clock.now(), write=False)
        return [c for c in found if c.device_id == caller.device.id]

    async def answer(self, caller: Caller, challenge_id: str, number: int | None,
                     deny: bool, ip: str) -> str:
        """The person's answer from the app: approved, denied or wrong_number (refused and
        counted in the attempt lockout of the browser's sign-in, like a wrong code)."""
        now = self.clock.now()
        found = await self.db.run(push_challenges.get, challenge_id[:60], write=False)
        if (found is None or found.kind != "push" or found.account_id != caller.account.id
                or found.device_id != caller.device.id):
            raise CatalogueError("NOT_FOUND")
        status = (push_challenges.DENIED if deny else push_challenges.APPROVED
                  if number == found.number else push_challenges.WRONG)
        if not await self.db.run(push_challenges.answer, found.id, status, now):
            if found.expires_at <= now:
                raise CatalogueError("PUSH_TIMED_OUT")
            raise CatalogueError("FLOW_EXPIRED", detail={"challenge": "answered_already"})
        outcome = {push_challenges.WRONG: "wrong_number"}.get(status, status)
        if status == push_challenges.WRONG and found.flow_id:
            await self._count_failure(found.flow_id, now)
        await self.db.run(_audit, now, f"authenticator.push.{outcome}", caller.account,
                           caller.account.id, ip, "", {"device": caller.device.id},
                           outcome="success" if status == push_challenges.APPROVED
                           else "failure", flow_id=found.flow_id)
        return outcome

    async def _count_failure(self, flow_id: str, now: datetime) -> None:
        loaded = await self.db.run(load_unbound, flow_id, None, write=False)
        if loaded is None or loaded.account is None:
            return
        flow = loaded.flow
        known = flow.device_id is not None and await self.db.run(
            _known, loaded.account.id, flow.device_id, write=False)
        keys = lockout.keys_for(loaded.account.id, flow.ip, flow.device_id, known)
        await lockout.count_wrong_guess(self._counters, keys, loaded.settings, now)

    async def push_status(self, flow_id: str, challenge_id: str, request: RequestInfo) -> str:
        """For the browser waiting on a push (the one that started the flow): pending |
        answered | expired."""
        await open_flow(self.db, self.clock, flow_id, request, (FlowState.MFA,))
        found = await self.db.run(push_challenges.get, challenge_id[:60], write=False)
        if found is None or found.flow_id != flow_id[:60]:
            raise CatalogueError("NOT_FOUND")
        if found.status == push_challenges.PENDING:
            return "pending" if found.expires_at > self.clock.now() else "expired"
        return "answered"

    # Sign-in restriction -----------------------------------------------------------------
    async def restricted(self, account_id: str) -> bool:
        return await self.db.run(device_store.restricted, account_id, write=False)

    async def set_restriction(self, account: Account, on: bool, actor_id: str | None, ip: str,
                              device_id: str | None = None) -> bool:
        """Turn "restrict sign-in" on or off; True when it changed. Audited."""
        return await self.db.run(_restrict, account, on, actor_id, ip, device_id,
                                  self.clock.now())


def _settings_of(conn: Connection, account_id: str) -> OrgSettings:
    account = accounts.get(conn, account_id)
    org = orgs.get(conn, account.org_id) if account and account.org_id else None
    return org.settings if org else DEFAULT_SETTINGS


def _caller(conn: Connection, device_id: str) -> Caller | None:
    device = device_store.get(conn, device_id)
    account = accounts.get(conn, device.account_id) if device else None
    if device is None or account is None or account.disabled:
        return None
    org = orgs.get(conn, account.org_id) if account.org_id else None
    return Caller(device, account, org)


def _spend(conn: Connection, device_id: str, nonce: str, now: datetime, keep_until: datetime,
           version: str) -> bool:
    if not device_store.spend_nonce(conn, device_id, nonce, keep_until):
        return False
    device_store.seen(conn, device_id, now, version)
    return True


def _known(conn: Connection, account_id: str, device_id: str) -> bool:
    from monban.store import known_browsers

    return known_browsers.is_known(conn, account_id, device_id)


def _remove(conn: Connection, account: Account, device_id: str, actor: Account, ip: str,
            user_agent: str, now: datetime) -> bool:
    device = device_store.remove(conn, account.id, device_id)
    if device is None:
        return False
    for record in factor_store.list_for(conn, account.id):
        if ((record.kind == "push" and record.credential_id == device.id)
                or record.id == device.totp_factor_id):
            factor_store.remove(conn, account.id, record.id)
    _audit(conn, now, "authenticator.removed", account, actor.id, ip, user_agent,
           {"device": device.id, "name": device.name})
    return True


def _restrict(conn: Connection, account: Account, on: bool, actor_id: str | None, ip: str,
              device_id: str | None, now: datetime) -> bool:
    if actor_id != account.id:  # staff lifting it: admin/authorization.py decides
        authorize_stored(conn, actor_id, Action.LIFT_RESTRICTION, Target.of(account))
    changed = (device_store.restrict(conn, account.id, device_id, now) if on
               else device_store.unrestrict(conn, account.id))
    if changed:
        _audit(conn, now, "signin_restriction." + ("on" if on else "off"), account, actor_id,
               ip, "", {"device": device_id} if device_id else {})
    return changed


def _audit(conn: Connection, now: datetime, event: str, account: Account,
           actor_id: str | None,
           ip: str, user_agent: str, detail: dict[str, Any], outcome: str = "success",
           flow_id: str | None = None) -> None:
    audit.record(conn, audit.AuditEvent(
        at=now, event=event, outcome=outcome, account_id=account.id, org_id=account.org_id,
        actor_id=actor_id, ip=ip or None, user_agent=user_agent or None, flow_id=flow_id,
        detail=detail))
