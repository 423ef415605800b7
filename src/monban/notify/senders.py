"""The one way a message leaves Monban: `Senders.send`. It asks the send limiter
(limits.py) first, then hands the message to its channel's transport: an SMS provider or the
outbox, an SMTP server or the outbox, the authenticator fan-out for push. The transports are
held privately; no other module calls them (tests/notify/test_one_gate.py checks)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from monban.notify.fanout import Fanout
from monban.notify.limits import SendLimiter
from monban.notify.outgoing import Origin, Outgoing


class SmsSender(Protocol):
    async def send_sms(self, to: str, text: str) -> None:
        """Deliver `text` to the E.164 number `to`; raise SignInError(SERVICE_UNAVAILABLE)
        when the provider cannot take it."""
        ...


class EmailSender(Protocol):
    async def send_email(self, to: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True, slots=True)
class Transports:
    """What carries each channel (notify/delivery.py picks them from the settings)."""

    sms: SmsSender
    email: EmailSender


class Senders:
    def __init__(self, transports: Transports, limiter: SendLimiter,
                 fanout: Fanout | None = None) -> None:
        self._transports = transports
        self._limiter = limiter
        self._fanout = fanout

    async def send(self, message: Outgoing, origin: Origin) -> None:
        """Deliver one message, or raise SEND_LIMIT_REACHED / SMS_COUNTRY_NOT_ALLOWED (nothing
        sent) or SERVICE_UNAVAILABLE (the transport could not take it)."""
        await self._limiter.admit(message, origin)
        if message.channel == "sms":
            await self._transports.sms.send_sms(message.to, message.text)
        elif message.channel == "email":
            await self._transports.email.send_email(message.to, message.subject, message.text)
        elif self._fanout is not None:
            await self._fanout.publish(message.to, dict(message.payload or {}))

    async def pretend(self, message: Outgoing, origin: Origin) -> None:
        """Count `message` as `send` would and refuse it the same way, but send nothing: for
        an identifier with no account behind it, whose answers must stay a member's."""
        await self._limiter.admit(message, origin)
