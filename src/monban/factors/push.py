"""Push approval with number matching, kind "push": one factor per linked Monban
Authenticator device (devices/service.py creates it when the app is linked; it cannot be
enrolled from the factor pages).

challenge: a request is stored (store/push_challenges.py) with a two-digit number, which the
browser shows, and three choices (that number and two others), which the app shows; the
app's listeners are woken through the fan-out. The app answers with a signed request
(devices/service.py): the right number approves, a wrong one is refused and counted in the
attempt lockout like a wrong code, "deny" refuses. verify: the browser, having seen the
request decided (or expire), takes the outcome once: approved signs in, otherwise
PUSH_DENIED or PUSH_TIMED_OUT.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import segno
from sqlalchemy import Connection

from monban.devices.setup import AuthenticatorSetup, channel
from monban.devices.signature import at_least
from monban.errors import CatalogueError
from monban.factors.base import (
    N_,
    Challenge,
    Description,
    Enrollment,
    FactorContext,
    FactorDeps,
    FactorRecord,
)
from monban.notify.outgoing import Origin, Outgoing
from monban.sessions.device import describe
from monban.store import devices, push_challenges
from monban.store import factors as factor_store
from monban.store.ids import new_id, new_token
from monban.store.push_challenges import PushChallenge

LINK_TTL = timedelta(minutes=10)
MAX_PENDING = 3
"""Push requests an account may have waiting at once (different browsers signing in)."""
LINK_PURPOSE = "authenticator-link"
LINK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""32 symbols without 0/O and 1/I: 12 of them are 60 bits, typed in three groups."""


def link_code() -> str:
    raw = "".join(secrets.choice(LINK_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def link_payload(origin: str, code: str) -> str:
    """What the QR code holds: the server to talk to and the code."""
    return f"monban-authenticator://link?server={quote(origin, safe='')}&code={code}"


def _unlink(conn: Connection, ctx: FactorContext, device_id: str) -> None:
    device = devices.remove(conn, ctx.account.id, device_id)
    if device is None:
        return
    for record in factor_store.list_for(conn, ctx.account.id):
        if record.id == device.totp_factor_id or (record.kind == "push"
                                                  and record.credential_id == device.id):
            factor_store.remove(conn, ctx.account.id, record.id)


def _remove(conn: Connection, ctx: FactorContext, factor: FactorRecord) -> bool:
    if not factor_store.remove(conn, ctx.account.id, factor.id):
        return False
    _unlink(conn, ctx, factor.credential_id or "")
    return True


def _linked_factor(conn: Connection, link_id: str, account_id: str) -> FactorRecord | None:
    device_id = devices.linked_device(conn, link_id, account_id)
    if device_id is None:
        return None
    return next((f for f in factor_store.list_for(conn, account_id)
                 if f.kind == "push" and f.credential_id == device_id), None)


def numbers() -> tuple[int, list[int]]:
    """The number to show (10-99) and three distinct choices containing it, shuffled."""
    pool = list(range(10, 100))
    choices = []
    for _ in range(3):
        choices.append(pool.pop(secrets.randbelow(len(pool))))
    return choices[secrets.randbelow(3)], choices


class PushFactor:
    kind = "push"
    amr = "swk"
    """RFC 8176: proof of possession of a software-secured key (the device's Ed25519 key)."""
    description = Description(
        label=N_("Push notification"), hint=N_("Approve the sign-in in the app."),
        trace_label=N_("push approval"), on_org_page=False, scripts=frozenset({"verify"}))

    def __init__(self, deps: FactorDeps) -> None:
        self._deps = deps

    def _setup(self) -> AuthenticatorSetup:
        setup = self._deps.authenticator
        assert isinstance(setup, AuthenticatorSetup), "the runtime sets deps.authenticator"
        return setup

    # Enrolling = linking the app ------------------------------------------------------
    async def enroll(self, ctx: FactorContext, name: str, params: dict[str, Any]) -> Enrollment:
        """A one-time link code (shown as text and as a QR code); the app uses it to register
        its key (devices/service.py), which creates this factor."""
        code = link_code()
        link_id = new_id()
        expires_at = ctx.now + LINK_TTL
        await self._deps.db.run(devices.add_link, link_id, ctx.account.id,
                                self._deps.codes.digest(LINK_PURPOSE, code), ctx.now,
                                expires_at)
        payload = link_payload(ctx.origin, code)
        return Enrollment(id=link_id, kind=self.kind, expires_at=expires_at, display={
            "code": code, "payload": payload,
            "qr_svg": segno.make(payload, error="m").svg_inline(scale=4),
            "command": f"monban-authenticator link '{payload}'"})

    async def confirm(self, ctx: FactorContext, enrollment_id: str,
                      response: dict[str, Any]) -> FactorRecord:
        """Done once the app has used the link: its push factor."""
        record = await self._deps.db.run(_linked_factor, enrollment_id[:40], ctx.account.id,
                                         write=False)
        if record is None:
            raise CatalogueError("INVALID_REQUEST", detail={"push": "not_linked_yet"})
        return record

    async def remove(self, ctx: FactorContext, factor: FactorRecord) -> bool:
        """The row, and its device unlinked entirely in the same transaction, so a lost
        device can neither restrict sign-in, list sessions nor show codes that work."""
        return await self._deps.db.run(_remove, ctx, factor)

    # Signing in --------------------------------------------------------------------------
    async def challenge(self, ctx: FactorContext, factor: FactorRecord) -> Challenge:
        setup = self._setup()
        device = await self._deps.db.run(devices.get, factor.credential_id or "", write=False)
        if device is None or device.account_id != ctx.account.id:
            raise CatalogueError("NOT_FOUND", detail={"factor": factor.id})
        if not at_least(device.app_version, setup.required_version(ctx.settings)):
            raise CatalogueError("AUTHENTICATOR_UPDATE_REQUIRED", app=setup.app_name)
        number, choices = numbers()
        challenge = PushChallenge(
            id=new_token(), kind="push", account_id=ctx.account.id, device_id=device.id,
            flow_id=ctx.flow_id, number=number, choices=choices,
            context={"ip": str(ctx.request.ip), "browser": describe(ctx.request.user_agent),
                     "location": None},
            status=push_challenges.PENDING, created_at=ctx.now,
            expires_at=ctx.now + setup.push_ttl, answered_at=None)
        if not await self._deps.db.run(push_challenges.add_superseding, challenge,
                                       MAX_PENDING):
            raise CatalogueError("INVALID_REQUEST", detail={
                "push": "too_many_pending",
                "retry_after": int(setup.push_ttl.total_seconds())})
        try:  # through the send limits: a refused request is withdrawn at once, no app woken
            await self._deps.senders.send(Outgoing.push(channel(ctx.account.id), {
                "type": "challenge", "id": challenge.id}), Origin(ctx.account, ctx.request.ip))
        except CatalogueError:
            await self._deps.db.run(push_challenges.use, challenge.id, push_challenges.PENDING)
            raise
        return Challenge(
            public={"kind": self.kind, "challenge_id": challenge.id, "number": number,
                    "device": device.name, "expires_at": challenge.expires_at.isoformat()},
            private={"challenge_id": challenge.id, "number": number,
                     "expires_at": challenge.expires_at.isoformat()})

    async def verify(self, ctx: FactorContext, factor: FactorRecord, response: dict[str, Any],
                     private: dict[str, Any]) -> None:
        challenge_id = str(private.get("challenge_id") or "")
        outcome = await self._deps.db.run(_take, challenge_id, ctx.flow_id,
                                          factor.credential_id, ctx.now)
        if outcome == push_challenges.APPROVED:
            return
        if outcome == "waiting":
            raise CatalogueError("INVALID_REQUEST", detail={"push": "not_answered_yet"})
        if outcome in (push_challenges.DENIED, push_challenges.WRONG):
            raise CatalogueError("PUSH_DENIED", app=self._setup().app_name,
                              detail={"reason": "wrong_number" if outcome == "wrong"
                                      else "denied"})
        raise CatalogueError("PUSH_TIMED_OUT")


def _take(conn: Connection, challenge_id: str, flow_id: str | None, device_id: str | None,
          now: datetime) -> str:
    """The request's outcome, taken once: approved | denied | wrong | expired | waiting."""
    found = push_challenges.get(conn, challenge_id) if challenge_id else None
    if found is None or found.flow_id != flow_id or found.device_id != device_id:
        return "expired"
    if found.status == push_challenges.PENDING and found.expires_at > now:
        return "waiting"
    if found.status == push_challenges.USED or not push_challenges.use(conn, found.id,
                                                                      found.status):
        return "expired"
    return "expired" if found.status == push_challenges.PENDING else found.status
