"""Codes by email (amr "otp"): enrol an address, then prove it at sign-in with a six-digit
code mailed to it. Off as a second factor unless the org lists "email" in allowed_factors
(NIST SP 800-63B does not accept email as an out-of-band authenticator)."""

from __future__ import annotations

from typing import Any

from monban.accounts.identifiers import normalise_email
from monban.errors import CatalogueError
from monban.factors.base import N_, Description, FactorContext
from monban.factors.one_time_codes import TTL, CodeFactor
from monban.notify.messages import code_email
from monban.notify.outgoing import Kind, Origin, Outgoing


class EmailCodeFactor(CodeFactor):
    kind = "email"
    amr = "otp"
    channel = "email"
    description = Description(
        label=N_("Email"), hint=N_("A code sent to an email address."),
        trace_label=N_("code by email"), sends_code=True, enroll_field=("email", 320),
        org_switch=(N_("Allow email codes as a second step"),
                    N_("Weaker than the other methods: anyone who can read the member's mail "
                       "can use them. Off unless you turn it on.")))

    def target_from(self, params: dict[str, Any]) -> str:
        address = params.get("email")
        if not isinstance(address, str) or len(address) > 320:
            raise CatalogueError("INVALID_EMAIL")
        return normalise_email(address)

    async def deliver(self, ctx: FactorContext, target: str, code: str, kind: Kind) -> None:
        minutes = int(TTL.total_seconds() // 60)
        account = ctx.account
        subject, body = code_email(account.language, code, minutes, account.display_name)
        await self._deps.senders.send(Outgoing.email(kind, target, subject, body),
                                      Origin(account, ctx.request.ip))
