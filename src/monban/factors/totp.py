"""Authenticator-app codes (RFC 6238 TOTP: 6 digits, 30-second steps, HMAC-SHA1), kind "totp".

Works with any standard app (otpauth:// URI and QR code). A code is accepted for the current
step ±1, shifted by the offset remembered for the device. The seed page's "time sync" problem
(codes refused because the phone's clock is off) is also solved on the server: a code that
matches further away, up to the org's `totp_max_drift_steps`, is not accepted alone but
remembered as a candidate offset; when the next code submitted matches the same offset for a
later step, it is accepted and the offset is kept for the next sign-ins. Every accepted step
(and every candidate's step) is spent in the same transaction as the check, so a code works
once however many submissions race.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import Any

import pyotp
import segno
from sqlalchemy import Connection

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
from monban.store import factors as factor_store
from monban.store import totp_steps
from monban.store.ids import new_id, new_token

STEP_SECONDS = 30
DIGITS = 6
ENROLLMENT_TTL = timedelta(minutes=10)
CANDIDATE_STEPS = 20
"""A candidate offset must be confirmed by a code at most this many steps (10 minutes) later."""
DEFAULT_NAME = "Authenticator app"


def step_at(when: datetime) -> int:
    return int(when.timestamp()) // STEP_SECONDS


def invalid() -> CatalogueError:
    """INVALID_OTP with the seed page's hint: check the device's time synchronisation."""
    return CatalogueError("INVALID_OTP", detail={"hint": "time_sync"})


def submitted_code(response: dict[str, Any]) -> str:
    raw = response.get("code")
    code = "".join(raw.split()) if isinstance(raw, str) else ""
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        raise invalid()
    return code


def matching(otp: pyotp.TOTP, code: str, now_step: int, deltas: list[int]) -> int | None:
    """The first delta (in steps from now) whose code is `code`."""
    for delta in deltas:
        if hmac.compare_digest(otp.generate_otp(now_step + delta), code):
            return delta
    return None


class TotpFactor:
    kind = "totp"
    amr = "otp"
    description = Description(
        label=N_("Authenticator app"),
        hint=N_("Codes from an app such as Google Authenticator or Microsoft Authenticator, "
                "even without a connection."),
        trace_label=N_("authenticator app code"))

    def __init__(self, deps: FactorDeps) -> None:
        self._deps = deps

    # Enrolling ---------------------------------------------------------------------------
    async def enroll(self, ctx: FactorContext, name: str, params: dict[str, Any]) -> Enrollment:
        secret = pyotp.random_base32()  # 32 base32 characters: 160 bits
        uri = pyotp.TOTP(secret).provisioning_uri(name=ctx.account.label,
                                                  issuer_name=self._deps.rp_name)
        enrollment_id = new_token()
        expires_at = ctx.now + ENROLLMENT_TTL
        await self._deps.db.run(
            factor_store.start_enrollment, id=enrollment_id, account_id=ctx.account.id,
            kind=self.kind, name=(name.strip() or DEFAULT_NAME)[:100], target=None,
            secret=self._deps.sealer.seal(secret, ctx.account.id), data={},
            created_at=ctx.now, expires_at=expires_at)
        display = {"secret": secret, "otpauth_uri": uri,
                   "qr_svg": segno.make(uri, error="m").svg_inline(scale=4)}
        return Enrollment(id=enrollment_id, kind=self.kind, display=display,
                          expires_at=expires_at)

    async def confirm(self, ctx: FactorContext, enrollment_id: str,
                      response: dict[str, Any]) -> FactorRecord:
        """The first code proves the app holds the secret. A wrong code leaves the enrollment
        usable until it expires, so a typo does not need a new QR code."""
        code = submitted_code(response)
        record = await self._deps.db.run(self._confirm, ctx, enrollment_id, code)
        if record is None:
            raise invalid()
        return record

    def _confirm(self, conn: Connection, ctx: FactorContext, enrollment_id: str,
                 code: str) -> FactorRecord | None:
        account_id = ctx.account.id
        pending = factor_store.peek_enrollment(conn, enrollment_id, account_id, self.kind,
                                               ctx.now)
        if pending is None:
            raise CatalogueError("NOT_FOUND", detail={"enrollment": "expired"})
        otp = pyotp.TOTP(self._deps.sealer.open(pending["secret"], account_id))
        now_step = step_at(ctx.now)
        delta = matching(otp, code, now_step, [0, -1, 1])
        if delta is None or not totp_steps.mark_used(conn, account_id, now_step + delta,
                                                     ctx.now):
            return None
        if factor_store.take_enrollment(conn, enrollment_id, account_id, self.kind,
                                        ctx.now) is None:
            raise CatalogueError("NOT_FOUND", detail={"enrollment": "expired"})
        record = FactorRecord(
            id=new_id(), account_id=account_id, kind=self.kind, name=pending["name"],
            target=None, secret=pending["secret"], credential_id=None, data={"offset": 0},
            preferred=False, created_at=ctx.now, last_used_at=None)
        factor_store.insert(conn, record)
        return record

    # Signing in --------------------------------------------------------------------------
    async def challenge(self, ctx: FactorContext, factor: FactorRecord) -> Challenge:
        return Challenge(public={"kind": self.kind})

    async def verify(self, ctx: FactorContext, factor: FactorRecord, response: dict[str, Any],
                     private: dict[str, Any]) -> None:
        code = submitted_code(response)
        if factor.secret is None:
            raise invalid()
        secret = self._deps.sealer.open(factor.secret, factor.account_id)
        # One transaction: a candidate remembered for a refused code must be committed, so
        # the check answers and the error is raised after it.
        if not await self._deps.db.run(_check, factor, secret, code, ctx.now,
                                       ctx.settings.totp_max_drift_steps):
            raise invalid()

    async def remove(self, ctx: FactorContext, factor: FactorRecord) -> bool:
        """Just the row: the sealed seed and the used time steps live in it."""
        return await self._deps.db.run(factor_store.remove, ctx.account.id, factor.id)


def _check(conn: Connection, factor: FactorRecord, secret: str, code: str, now: datetime,
           max_drift: int) -> bool:
    data = totp_steps.locked_data(conn, factor.account_id, factor.id)
    if data is None:
        raise CatalogueError("NOT_FOUND", detail={"factor": factor.id})
    otp = pyotp.TOTP(secret)
    now_step = step_at(now)
    offset = int(data.get("offset", 0))
    limit = max(max_drift, 1)
    near = [d for d in (offset, offset - 1, offset + 1) if abs(d) <= limit]
    candidate = data.pop("candidate", None)

    def spend(delta: int) -> bool:
        return totp_steps.mark_used(conn, factor.account_id, now_step + delta, now)

    def save(**changes: Any) -> None:
        factor_store.update_data(conn, factor.id, data={**data, **changes})

    delta = matching(otp, code, now_step, near)
    if delta is not None:
        if not spend(delta):
            return False  # replayed
        if candidate is not None:
            save()
        return True
    far = sorted((d for d in range(-limit, limit + 1) if d not in near),
                 key=lambda d: (abs(d - offset), d))
    delta = matching(otp, code, now_step, far)
    if delta is None:
        if candidate is not None:
            save()  # only the very next code may confirm a candidate
        return False
    step = now_step + delta
    if _confirms(candidate, delta, step):
        if not spend(delta):
            return False
        save(offset=delta)
        return True
    if spend(delta):  # the candidate's own code is spent: it cannot confirm itself later
        save(candidate={"offset": delta, "step": step})
    return False


def _confirms(candidate: Any, delta: int, step: int) -> bool:
    """Does a far match at `delta` for `step` confirm the remembered candidate? The same
    offset (±1 for the seconds spent typing), for a later step, within CANDIDATE_STEPS."""
    if not isinstance(candidate, dict):
        return False
    try:
        offset, earlier = int(candidate["offset"]), int(candidate["step"])
    except (KeyError, TypeError, ValueError):
        return False
    return abs(delta - offset) <= 1 and earlier < step <= earlier + CANDIDATE_STEPS
