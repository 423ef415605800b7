"""Getting back in: recovery contacts (contacts.py), the self-service flows — forgot
password, lost second factor, own IP restriction — (reset.py, then outcomes.py once the person
is proven), an org admin's resets (admin_reset.py), and the texts they send (notices.py).

`Recovery.of(runtime)` wires them from what the runtime already holds (no state of its own),
so the web pages, the JSON API and the CLI use the same services. Delivery lives here: a code
goes to one contact; a notice goes to the primary email address and every verified recovery
email address (or, for an account with no email at all, to its numbers by SMS), and a notice
that cannot be delivered never undoes the change it reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monban.accounts.model import Account
from monban.crypto.code_hash import CodeHasher
from monban.errors import CatalogueError
from monban.factors.one_time_codes import TTL
from monban.notify.outgoing import Kind, Origin, Outgoing
from monban.notify.senders import Senders
from monban.recovery import notices
from monban.signin import lockout
from monban.signin.request_info import RequestInfo
from monban.store import audit, known_browsers
from monban.store import recovery_contacts as contact_store

if TYPE_CHECKING:
    from monban.recovery.admin_reset import AdminReset
    from monban.recovery.contacts import Contacts
    from monban.recovery.outcomes import Outcomes
    from monban.recovery.reset import Reset
    from monban.runtime import Runtime

log = logging.getLogger("monban.recovery")
MINUTES = int(TTL.total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class Recovery:
    runtime: Runtime
    codes: CodeHasher
    senders: Senders

    @classmethod
    def of(cls, runtime: Runtime) -> Recovery:
        return cls(runtime, CodeHasher(runtime.secret_key), runtime.senders)

    @property
    def contacts(self) -> Contacts:
        from monban.recovery.contacts import Contacts

        return Contacts(self)

    @property
    def reset(self) -> Reset:
        from monban.recovery.reset import Reset

        return Reset(self)

    @property
    def outcomes(self) -> Outcomes:
        from monban.recovery.outcomes import Outcomes

        return Outcomes(self)

    @property
    def admin(self) -> AdminReset:
        from monban.recovery.admin_reset import AdminReset

        return AdminReset(self)

    # Guessing ---------------------------------------------------------------------------
    async def keys(self, account_key: str, request: RequestInfo) -> lockout.AttemptKeys:
        """The sign-in's attempt counters for this account and source: a wrong recovery code
        counts exactly as a wrong password does."""
        known = bool(request.device_id) and not account_key.startswith("unknown:") and (
            await self.runtime.db.run(known_browsers.is_known, account_key,
                                      request.device_id or "", write=False))
        return lockout.keys_for(account_key, str(request.ip), request.device_id, known)

    # Delivery ---------------------------------------------------------------------------
    async def send_code(self, account: Account, channel: str, target: str, purpose: str,
                        code: str, request: RequestInfo | None, kind: Kind = "code") -> None:
        """One code to one contact, in the account's language, through the send limits
        (SEND_LIMIT_REACHED, SMS_COUNTRY_NOT_ALLOWED; SERVICE_UNAVAILABLE when the provider
        or the mail server refuses it). `kind` is "verify" for a contact not proven yet."""
        origin = Origin(account, request.ip if request else None)
        if channel == "sms":
            await self.senders.send(Outgoing.sms(
                kind, target, notices.code_sms(account.language, purpose, code, MINUTES)),
                origin)
            return
        subject, body = notices.code_email(account.language, purpose, code, MINUTES,
                                           account.display_name)
        await self.senders.send(Outgoing.email(kind, target, subject, body), origin)

    async def notify(self, account: Account, mail: notices.Mail) -> int:
        """A notice to the account's addresses; how many went out (a notice is limited only
        per notice and address: notify/limits.py)."""
        contacts = await self.runtime.db.run(contact_store.list_for, account.id,
                                             verified_only=True, write=False)
        emails = _unique([account.email, *(c.target for c in contacts if c.channel == "email")])
        origin = Origin(account)
        sent = 0
        for address in emails:
            sent += await self._try(self.senders.send(
                Outgoing.email("notice", address, *mail), origin))
        if not emails:  # the subject says what changed; the SMS stays one segment
            numbers = _unique([account.phone, *(c.target for c in contacts
                                                if c.channel == "sms")])
            for number in numbers:
                sent += await self._try(self.senders.send(
                    Outgoing("sms", "notice", number, mail[0], mail[0]), origin))
        return sent

    @staticmethod
    async def _try(delivery: Any) -> int:
        try:
            await delivery
        except CatalogueError:
            log.warning("a recovery notice could not be delivered")
            return 0
        return 1

    async def audit(self, event: str, outcome: str, account: Account | None,
                    request: RequestInfo | None, *, code: str | None = None,
                    actor_id: str | None = None, flow_id: str | None = None,
                    identifier: str | None = None, **detail: Any) -> None:
        """One audit event of getting back in: never a code, a password or a full contact."""
        await self.runtime.db.run(audit.record, audit.AuditEvent(
            at=self.runtime.clock.now(), event=event, outcome=outcome, code=code,
            account_id=account.id if account else None,
            org_id=account.org_id if account else None,
            actor_id=actor_id, identifier=account.label if account else identifier,
            ip=str(request.ip) if request else None,
            user_agent=request.user_agent if request else None, flow_id=flow_id,
            detail=detail))

    def stamp(self, account: Account) -> str:
        """Now, as the notices show it: in the account's time zone."""
        return notices.when(self.runtime.clock.now(), account.timezone)


def _unique(values: list[str | None]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen
