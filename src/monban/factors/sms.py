"""Codes by SMS (amr "sms"): enrol a mobile number (E.164), then prove it at sign-in with a
six-digit code sent to it. NIST SP 800-63B calls this a restricted authenticator; the org
decides whether it is offered (allowed_factors)."""

from __future__ import annotations

from typing import Any

from monban.accounts.identifiers import normalise_phone
from monban.errors import CatalogueError
from monban.factors.base import N_, Description, FactorContext
from monban.factors.one_time_codes import TTL, CodeFactor
from monban.notify.messages import code_sms
from monban.notify.outgoing import Kind, Origin, Outgoing


class SmsFactor(CodeFactor):
    kind = "sms"
    amr = "sms"
    channel = "sms"
    description = Description(
        label=N_("Text message (SMS)"),
        hint=N_("A code sent to your mobile phone by text message."),
        trace_label=N_("code by SMS"), default_name=N_("Mobile phone"), sends_code=True,
        enroll_field=("phone", 32))

    def target_from(self, params: dict[str, Any]) -> str:
        phone = params.get("phone")
        if not isinstance(phone, str) or len(phone) > 32:
            raise CatalogueError("INVALID_PHONE_NUMBER")
        return normalise_phone(phone)

    async def deliver(self, ctx: FactorContext, target: str, code: str, kind: Kind) -> None:
        minutes = int(TTL.total_seconds() // 60)
        await self._deps.senders.send(Outgoing.sms(
            kind, target, code_sms(ctx.account.language, code, minutes)),
            Origin(ctx.account, ctx.request.ip))
