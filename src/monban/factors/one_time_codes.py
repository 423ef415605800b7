"""Codes sent by SMS or email: issuing, delivering and using them (any purpose), and the
factor behaviour SMS and email codes share (factors/sms.py, factors/email_code.py).

Reusable pieces, for MFA today and passwordless sign-in or password reset later:

- `issue(conn, codes, scope, now)` -> Issued (with the plain code) inside your transaction,
  `delivered(conn, issued)` once it went out; `consume(conn, codes, scope, code, now)`
  raises INVALID_OTP / OTP_EXPIRED unless the code is live, using it atomically.
- `send(db, codes, scope, now, deliver)` does issue -> deliver -> delivered, withdrawing the
  code if delivery fails (SERVICE_UNAVAILABLE leaves nothing behind).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from sqlalchemy import Connection, update

from monban.crypto.code_hash import CodeHasher
from monban.db.database import Database
from monban.db.tables import factor_enrollments
from monban.errors import CatalogueError
from monban.factors.base import Challenge, Enrollment, FactorContext, FactorDeps, FactorRecord
from monban.notify.outgoing import Kind
from monban.store import accounts
from monban.store import factors as factor_store
from monban.store import otp_challenges as store
from monban.store.ids import new_id, new_token
from monban.store.otp_challenges import Scope

DIGITS = 6
TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=30)
ENROLL_TTL = timedelta(minutes=30)
"""A pending enrolment outlives its first code, so a late answer reads OTP_EXPIRED."""
ENROLL_MAX_FAILURES = 5
"""Wrong codes that end a pending enrolment (its confirm is outside the sign-in lockout)."""

__all__ = ["Issued", "Scope", "consume", "delivered", "issue", "mask", "send", "CodeFactor"]


@dataclass(frozen=True, slots=True)
class Issued:
    id: str
    code: str
    scope: Scope
    created_at: datetime
    expires_at: datetime


def new_code() -> str:
    return f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"


def _digest(codes: CodeHasher, scope: Scope, code: str) -> str:
    return codes.digest(f"otp:{scope.purpose}", code)


def issue(conn: Connection, codes: CodeHasher, scope: Scope, now: datetime) -> Issued:
    """A fresh code for `scope`, or INVALID_REQUEST {"retry_after": s} within the cool-down.
    The account's row lock makes the cool-down check and the insert one step on PostgreSQL
    (racing requests on several nodes send one code, not several)."""
    accounts.lock(conn, scope.account_id)
    last = store.last_issued_at(conn, scope)
    if last is not None and now - last < RESEND_AFTER:
        wait = math.ceil((RESEND_AFTER - (now - last)).total_seconds())
        raise CatalogueError("INVALID_REQUEST", detail={"retry_after": max(wait, 1)})
    issued = Issued(new_id(), new_code(), scope, now, now + TTL)
    store.insert(conn, issued.id, scope, _digest(codes, scope, issued.code), now,
                 issued.expires_at)
    return issued


def delivered(conn: Connection, issued: Issued) -> None:
    store.supersede_older(conn, issued.scope, issued.id, issued.created_at)


def consume(conn: Connection, codes: CodeHasher, scope: Scope, code: Any,
            now: datetime) -> None:
    """Use the code, or raise OTP_EXPIRED (a real code, expired or replaced by a newer one)
    or INVALID_OTP (anything else, a used code included)."""
    text = code.strip().replace(" ", "").replace("-", "") if isinstance(code, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) == DIGITS):
        raise CatalogueError("INVALID_OTP")
    digest = _digest(codes, scope, text)
    if store.consume(conn, scope, digest, now):
        return
    stale = store.why_not(conn, scope, digest, now)
    raise CatalogueError("OTP_EXPIRED" if stale in ("expired", "superseded") else "INVALID_OTP")


async def send(db: Database, codes: CodeHasher, scope: Scope, now: datetime,
               deliver: Callable[[str], Awaitable[None]],
               then: Callable[[Connection], None] | None = None) -> Issued:
    """Issue a code, hand it to `deliver`, and once delivered retire older codes and run
    `then` in that same transaction. A failed delivery withdraws the code and re-raises."""
    issued = await db.run(issue, codes, scope, now)
    try:
        await deliver(issued.code)
    except Exception:
        await db.run(store.withdraw, issued.id)
        raise

    def finish(conn: Connection) -> None:
        delivered(conn, issued)
        if then is not None:
            then(conn)

    await db.run(finish)
    return issued


def mask(target: str) -> str:
    """+819012345678 -> +81 ••••5678; hanako@example.com -> h•••@example.com"""
    if "@" in target:
        local, _, domain = target.rpartition("@")
        return f"{local[:1]}•••@{domain}"
    try:
        country = f"+{phonenumbers.parse(target, None).country_code}"
    except phonenumbers.NumberParseException:
        country = target[:3]
    return f"{country} ••••{target[-4:]}"


class CodeFactor:
    """A factor proven by a code sent to a target (subclasses: SMS, email)."""

    kind = ""
    amr = ""
    channel = ""

    def __init__(self, deps: FactorDeps) -> None:
        self._deps = deps

    # What a channel supplies ------------------------------------------------------------
    def target_from(self, params: dict[str, Any]) -> str:
        raise NotImplementedError

    async def deliver(self, ctx: FactorContext, target: str, code: str, kind: Kind) -> None:
        """Send `code` through deps.senders.send: kind "verify" while enrolling (the target is
        not proven yet), "code" at sign-in (notify/outgoing.py)."""
        raise NotImplementedError

    # The Factor protocol ----------------------------------------------------------------
    async def enroll(self, ctx: FactorContext, name: str, params: dict[str, Any]) -> Enrollment:
        target = self.target_from(params)
        enrolled = await self._deps.db.run(factor_store.list_for, ctx.account.id, write=False)
        if any(f.kind == self.kind and f.target == target for f in enrolled):
            raise CatalogueError("IDENTIFIER_TAKEN", detail={"field": self.channel})
        scope = Scope(ctx.account.id, "enroll", self.channel, target)
        enrollment_id, expires_at = new_token(), ctx.now + ENROLL_TTL

        def pending(conn: Connection) -> None:
            factor_store.start_enrollment(
                conn, id=enrollment_id, account_id=ctx.account.id, kind=self.kind,
                name=(name.strip() or mask(target))[:100], target=target, secret=None,
                data={"failures": 0}, created_at=ctx.now, expires_at=expires_at)

        await send(self._deps.db, self._deps.codes, scope, ctx.now,
                   lambda code: self.deliver(ctx, target, code, "verify"), then=pending)
        return Enrollment(id=enrollment_id, kind=self.kind, expires_at=expires_at,
                          display={"sent_to": mask(target),
                                   "resend_after": int(RESEND_AFTER.total_seconds())})

    async def confirm(self, ctx: FactorContext, enrollment_id: str,
                      response: dict[str, Any]) -> FactorRecord:
        result = await self._deps.db.run(self._confirm, ctx, enrollment_id,
                                         response.get("code"))
        if isinstance(result, CatalogueError):
            raise result
        return result

    async def challenge(self, ctx: FactorContext, factor: FactorRecord) -> Challenge:
        target = factor.target or ""
        scope = Scope(ctx.account.id, "mfa", self.channel, target, ctx.flow_id)
        await send(self._deps.db, self._deps.codes, scope, ctx.now,
                   lambda code: self.deliver(ctx, target, code, "code"))
        return Challenge(public={"sent_to": mask(target),
                                 "resend_after": int(RESEND_AFTER.total_seconds())})

    async def verify(self, ctx: FactorContext, factor: FactorRecord, response: dict[str, Any],
                     private: dict[str, Any]) -> None:
        scope = Scope(ctx.account.id, "mfa", self.channel, factor.target or "", ctx.flow_id)
        await self._deps.db.run(consume, self._deps.codes, scope, response.get("code"),
                                ctx.now)

    async def remove(self, ctx: FactorContext, factor: FactorRecord) -> bool:
        """Just the row: codes are sent to its target when asked, nothing else is kept."""
        return await self._deps.db.run(factor_store.remove, ctx.account.id, factor.id)

    # -------------------------------------------------------------------------------------
    def _confirm(self, conn: Connection, ctx: FactorContext, enrollment_id: str,
                 code: Any) -> FactorRecord | CatalogueError:
        """One transaction: the code is used, the enrolment taken and the factor stored
        together. A wrong code is counted on the enrolment (returned, not raised, so the
        count is kept)."""
        account_id = ctx.account.id
        accounts.lock(conn, account_id)  # racing wrong codes are all counted (PostgreSQL)
        pending = factor_store.peek_enrollment(conn, enrollment_id, account_id, self.kind,
                                               ctx.now)
        if pending is None or not pending["target"]:
            return CatalogueError("FLOW_EXPIRED")
        scope = Scope(account_id, "enroll", self.channel, pending["target"])
        try:
            consume(conn, self._deps.codes, scope, code, ctx.now)
        except CatalogueError as error:
            failures = int((pending["data"] or {}).get("failures", 0)) + 1
            if failures >= ENROLL_MAX_FAILURES:
                factor_store.take_enrollment(conn, enrollment_id, account_id, self.kind,
                                             ctx.now)
                store.supersede_all(conn, scope)
            else:
                conn.execute(update(factor_enrollments)
                             .where(factor_enrollments.c.id == enrollment_id)
                             .values(data={**(pending["data"] or {}), "failures": failures}))
            return error
        if factor_store.take_enrollment(conn, enrollment_id, account_id, self.kind,
                                        ctx.now) is None:
            return CatalogueError("FLOW_EXPIRED")
        record = FactorRecord(
            id=new_id(), account_id=account_id, kind=self.kind, name=pending["name"],
            target=pending["target"], secret=None, credential_id=None, data={},
            preferred=False, created_at=ctx.now, last_used_at=None)
        factor_store.insert(conn, record)
        return record
