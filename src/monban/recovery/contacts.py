"""A person's recovery contacts: add one (password first, then a code sent to it), confirm it
with that code, send the code again, remove one. Only confirmed contacts are offered when the
person later cannot sign in.

Adding asks for the current password again: a contact is a way into the account, so a stolen
session must not be enough to plant one. Every change is audited and announced to the
account's addresses, so an unexpected contact is noticed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from monban.accounts.identifiers import normalise_email, normalise_phone
from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.errors import CatalogueError
from monban.factors import one_time_codes
from monban.factors.one_time_codes import RESEND_AFTER, Scope, mask
from monban.recovery import notices
from monban.signin import lockout
from monban.signin.request_info import RequestInfo
from monban.store import recovery_contacts as store
from monban.store.ids import new_id
from monban.store.recovery_contacts import RecoveryContact

if TYPE_CHECKING:
    from monban.recovery import Recovery

PURPOSE = "contact"
"""The code purpose of confirming a contact (apart from reset codes and factor enrolment)."""


def parse(params: dict[str, Any]) -> tuple[str, str]:
    """{"email": ...} or {"phone": ...} -> (channel, normalised target)."""
    email, phone = params.get("email"), params.get("phone")
    if isinstance(email, str) and email.strip() and not phone:
        if len(email) > 320:
            raise CatalogueError("INVALID_EMAIL")
        return "email", normalise_email(email)
    if isinstance(phone, str) and phone.strip() and not email:
        if len(phone) > 32:
            raise CatalogueError("INVALID_PHONE_NUMBER")
        return "sms", normalise_phone(phone)
    raise CatalogueError("INVALID_REQUEST", detail={"fields": ["email", "phone"]})


def sent(contact: RecoveryContact) -> dict[str, Any]:
    return {"sent_to": mask(contact.target),
            "resend_after": int(RESEND_AFTER.total_seconds())}


class Contacts:
    def __init__(self, recovery: Recovery) -> None:
        self._r = recovery
        self._rt = recovery.runtime

    async def list(self, account: Account) -> Sequence[RecoveryContact]:
        return await self._rt.db.run(store.list_for, account.id, write=False)

    async def add(self, account: Account, settings: OrgSettings, params: dict[str, Any],
                  password: str, request: RequestInfo) -> tuple[RecoveryContact, dict[str, Any]]:
        """Start adding a contact: the password again, then a code to the contact."""
        channel, target = parse(params)
        await self._rt.signin.reauthenticate(account, settings, password, request)
        contact = await self._rt.db.run(store.add, RecoveryContact(
            id=new_id(), account_id=account.id, channel=channel, target=target,
            verified_at=None, created_at=self._rt.clock.now()))
        try:
            await self._send(account, contact, request)
        except CatalogueError:  # not sent (a send limit, the provider): nothing left behind
            await self._rt.db.run(store.remove, account.id, contact.id)
            raise
        await self._r.audit("recovery_contact.added", "success", account, request,
                            actor_id=account.id, contact=contact.id, channel=channel,
                            target=mask(target), verified=False)
        return contact, sent(contact)

    async def resend(self, account: Account, contact_id: str, request: RequestInfo
                     ) -> dict[str, Any]:
        contact = await self._pending(account, contact_id)
        await self._send(account, contact, request)
        return sent(contact)

    async def verify(self, account: Account, settings: OrgSettings, contact_id: str,
                     code: Any, request: RequestInfo) -> RecoveryContact:
        """The code sent to the contact: behind the attempt lockout, one use."""
        contact = await self._pending(account, contact_id)
        keys = await self._r.keys(account.id, request)
        now = self._rt.clock.now()

        async def prove() -> None:
            await self._rt.db.run(_confirm, self._r.codes, contact, code, now)

        try:
            async with lockout.attempt(self._rt.counters, keys, settings, self._rt.clock):
                await prove()
        except CatalogueError as error:
            error.language = account.language
            await self._r.audit("recovery_contact.verified", "failure", account, request,
                                code=error.code, actor_id=account.id, contact=contact.id)
            raise
        await self._r.audit("recovery_contact.verified", "success", account, request,
                            actor_id=account.id, contact=contact.id, channel=contact.channel,
                            target=mask(contact.target))
        await self._r.notify(account, notices.contact_added(
            account.language, account.display_name, self._r.stamp(account),
            mask(contact.target)))
        return replace(contact, verified_at=now)

    async def remove(self, account: Account, contact_id: str, request: RequestInfo) -> None:
        contact = await self._rt.db.run(store.get, account.id, contact_id[:64], write=False)
        if contact is None or not await self._rt.db.run(store.remove, account.id, contact.id):
            raise CatalogueError("NOT_FOUND")
        await self._r.audit("recovery_contact.removed", "success", account, request,
                            actor_id=account.id, contact=contact.id, channel=contact.channel,
                            target=mask(contact.target))
        if contact.verified:
            await self._r.notify(account, notices.contact_removed(
                account.language, account.display_name, self._r.stamp(account),
                mask(contact.target)))

    # -------------------------------------------------------------------------------------
    async def _pending(self, account: Account, contact_id: str) -> RecoveryContact:
        contact = await self._rt.db.run(store.get, account.id, contact_id[:64], write=False)
        if contact is None:
            raise CatalogueError("NOT_FOUND")
        if contact.verified:
            raise CatalogueError("INVALID_REQUEST", detail={"verified": True})
        return contact

    async def _send(self, account: Account, contact: RecoveryContact,
                    request: RequestInfo) -> None:
        scope = Scope(account.id, PURPOSE, contact.channel, contact.target)
        await one_time_codes.send(
            self._rt.db, self._r.codes, scope, self._rt.clock.now(),
            lambda code: self._r.send_code(account, contact.channel, contact.target,
                                           PURPOSE, code, request, "verify"))


def _confirm(conn: Connection, codes: Any, contact: RecoveryContact, code: Any,
             now: Any) -> None:
    """The code is used and the contact confirmed in one transaction."""
    scope = Scope(contact.account_id, PURPOSE, contact.channel, contact.target)
    one_time_codes.consume(conn, codes, scope, code, now)
    if not store.mark_verified(conn, contact.account_id, contact.id, now):
        raise CatalogueError("NOT_FOUND")
