"""The person's side of a support request, without signing in: file it (identifier, a contact
where they can be reached, what happened), then prove the contact with the code sent there;
only then does it join the queue, so the backup code support may issue goes to someone who
holds that contact.

The answers never say whether the identifier names an account: a request for an unknown one
is filed, coded and queued the same way (superadmins see "no account" and deny it). Filing
is rate-limited per IP address, per identifier and per contact with the attempt counters;
wrong codes and resends per request too."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection

from monban.accounts.identifiers import classify, normalise_email, normalise_phone
from monban.errors import CatalogueError
from monban.factors import one_time_codes
from monban.factors.one_time_codes import RESEND_AFTER, TTL, Scope, mask
from monban.notify.outgoing import Origin
from monban.signin.request_info import RequestInfo
from monban.store import accounts
from monban.store import support_requests as store
from monban.store.counters import CountedFor, LockRule
from monban.store.ids import new_id
from monban.store.support_requests import OPEN, SupportRequest
from monban.support import messages
from monban.support.delivery import SupportDeps, deliver, record

PURPOSE = "support"
"""The one-time code purpose; the code's scope is the request (no account is proven yet)."""
PROOF_WINDOW = timedelta(hours=1)
"""An unproven request is dropped (expired) after this."""
REQUEST_TTL = timedelta(days=7)
"""A proven request waits in the queue this long, then expires."""
MAX_DESCRIPTION = 2000
_HOUR, _DAY = timedelta(hours=1), timedelta(days=1)
FILING_RULES = {
    "ip": LockRule(threshold=5, window=_HOUR, base=_HOUR, ceiling=_DAY),
    "id": LockRule(threshold=5, window=_DAY, base=_DAY, ceiling=_DAY),
    "to": LockRule(threshold=3, window=_DAY, base=_DAY, ceiling=_DAY),
}
"""Requests per IP address an hour, per identifier and per contact a day."""
PROOF_RULE = LockRule(threshold=5, window=PROOF_WINDOW, base=PROOF_WINDOW, ceiling=_DAY)
RESEND_RULE = LockRule(threshold=5, window=PROOF_WINDOW, base=PROOF_WINDOW, ceiling=_DAY)


@dataclass(frozen=True, slots=True)
class Filed:
    id: str
    sent_to: str
    resend_after: int
    expires_at: datetime


def _digest(value: str) -> str:
    """Counter keys hold a digest: short enough for the key column, and no addresses."""
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def _filed(request: SupportRequest) -> Filed:
    assert request.expires_at is not None
    return Filed(request.id, mask(request.contact_target), int(RESEND_AFTER.total_seconds()),
                 request.expires_at)


def contact_of(raw: str) -> tuple[str, str]:
    """(channel, normalised target) of an email address or a mobile number (E.164)."""
    text = raw.strip()
    if not text:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "contact"})
    return ("email", normalise_email(text)) if "@" in text else ("sms", normalise_phone(text))


class SupportFiling:
    def __init__(self, deps: SupportDeps) -> None:
        self._deps = deps

    async def file(self, identifier: str, contact: str, description: str, language: str,
                   info: RequestInfo) -> Filed:
        parsed = classify(identifier)
        if parsed is None:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "identifier"})
        channel, target = contact_of(contact)
        text = description.strip()
        if not text or len(text) > MAX_DESCRIPTION:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "description"})
        deps, now = self._deps, self._deps.clock.now()
        wanted = [(f"support:ip:{info.ip}", FILING_RULES["ip"]),
                  (f"support:id:{_digest(parsed.value)}", FILING_RULES["id"]),
                  (f"support:to:{_digest(target)}", FILING_RULES["to"])]
        await self._take(wanted, now, info)
        request = SupportRequest(
            id=new_id(), account_id=None, identifier=parsed.value, contact_channel=channel,
            contact_target=target, contact_verified_at=None, description=text,
            language="ja" if language == "ja" else "en", status=OPEN, created_at=now,
            expires_at=now + PROOF_WINDOW)

        def filed(conn: Connection) -> None:
            account = accounts.find(conn, parsed)
            store.insert(conn, replace(request, account_id=account.id if account else None))
            record(conn, now, "support.filed", request, info, account=account,
                   detail={"channel": channel, "sent_to": mask(target)})

        try:
            await self._send_code(request, now, filed, info)
        except BaseException:
            await deps.counters.cancel_attempts([key for key, _ in wanted], now)
            raise
        await deps.counters.record_failures(wanted, now)
        return _filed(request)

    async def resend(self, request_id: str, info: RequestInfo) -> Filed:
        deps, now = self._deps, self._deps.clock.now()
        request = await self._unproven(request_id, now)
        wanted = [(f"support:resend:{request.id}", RESEND_RULE)]
        await self._take(wanted, now, info)
        try:
            await self._send_code(request, now, lambda conn: record(
                conn, now, "support.contact_code_sent", request, info,
                detail={"channel": request.contact_channel,
                        "sent_to": mask(request.contact_target)}), info)
        except BaseException:
            await deps.counters.cancel_attempts([key for key, _ in wanted], now)
            raise
        await deps.counters.record_failures(wanted, now)
        return _filed(request)

    async def pending(self, request_id: str) -> Filed:
        """A request still waiting for its contact code (FLOW_EXPIRED otherwise)."""
        return _filed(await self._unproven(request_id, self._deps.clock.now()))

    async def prove(self, request_id: str, code: object, info: RequestInfo) -> SupportRequest:
        """The code that went to the contact, typed back: the request joins the queue."""
        deps, now = self._deps, self._deps.clock.now()
        request = await self._unproven(request_id, now)
        key = f"support:proof:{request.id}"
        await self._take([(key, PROOF_RULE)], now, info)
        result = await deps.db.run(self._prove, request, code, now, info)
        if isinstance(result, CatalogueError):
            await deps.counters.record_failures([(key, PROOF_RULE)], now)
            raise result
        await deps.counters.clear_attempts(key)
        return result

    def _prove(self, conn: Connection, request: SupportRequest, code: object, now: datetime,
               info: RequestInfo) -> SupportRequest | CatalogueError:
        scope = Scope(request.id, PURPOSE, request.contact_channel, request.contact_target)
        try:
            one_time_codes.consume(conn, self._deps.codes, scope, code, now)
        except CatalogueError as error:
            record(conn, now, "support.contact_proven", request, info, outcome="failure",
                   code=error.code)
            return error
        if not store.prove(conn, request.id, now, now + REQUEST_TTL):
            return CatalogueError("FLOW_EXPIRED")
        record(conn, now, "support.contact_proven", request, info,
               detail={"channel": request.contact_channel})
        return store.get(conn, request.id) or request

    async def _unproven(self, request_id: str, now: datetime) -> SupportRequest:
        request = await self._deps.db.run(store.get, request_id[:64], write=False)
        if (request is None or request.status != OPEN or request.proven
                or request.expires_at is None or request.expires_at <= now):
            raise CatalogueError("FLOW_EXPIRED")
        return request

    async def _take(self, wanted: list[tuple[str, LockRule]], now: datetime,
                    info: RequestInfo) -> None:
        slots = await self._deps.counters.take_attempts(
            wanted, now, CountedFor(ip=str(info.ip), user_agent=info.user_agent[:512]))
        refused = next((s for s in slots if not s.allowed), None)
        if refused is not None:
            until = refused.locked_until.isoformat() if refused.locked_until else None
            raise CatalogueError("SIGNIN_ATTEMPTS_EXCEEDED",
                              detail={"scope": "support_request", "locked_until": until})

    async def _send_code(self, request: SupportRequest, now: datetime,
                         then: Callable[[Connection], None], info: RequestInfo) -> None:
        deps = self._deps
        minutes = int(TTL.total_seconds() // 60)
        scope = Scope(request.id, PURPOSE, request.contact_channel, request.contact_target)

        async def send(code: str) -> None:
            await deliver(deps.senders, request.contact_channel, request.contact_target,
                          messages.contact_code_sms(request.language, code, minutes),
                          messages.contact_code_email(request.language, code, minutes),
                          "verify", Origin(ip=info.ip))

        await one_time_codes.send(deps.db, deps.codes, scope, now, send, then=then)
