"""The one way a message leaves Monban: `Senders.send`. It asks the send limiter
(limits.py) first, then hands the message to its channel's transport: an SMS provider or the
outbox, an SMTP server or the outbox, the authenticator fan-out for push. The transports are
held privately; no other module calls them (tests/notify/test_one_gate.py checks)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

from monban.notify.fanout import Fanout
from monban.notify.limits import SendLimiter
from monban.notify.outgoing import Origin, Outgoing

log = logging.getLogger(__name__)
_IN_FLIGHT: set[asyncio.Task[None]] = set()

class SmsSender(Protocol):
    async def send_sms(self, to: str, text: str) -> None:
        """Deliver `text` to the E.164 number `to`; raise CatalogueError(SERVICE_UNAVAILABLE)
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

    async def send(self, message: Outgoing, origin: Origin, *, after_answer: bool = False
                   ) -> None:
        """Deliver one message, or raise SEND_LIMIT_REACHED / SMS_COUNTRY_NOT_ALLOWED (nothing
        sent) or SERVICE_UNAVAILABLE (the transport could not take it). With `after_answer`
        the limiter still decides now, but the transport is called after the caller has
        answered (a failure is logged): where account existence is hidden, a member's answer
        must not wait on the provider when an unknown identifier's does not."""
        await self._limiter.admit(message, origin)
        if not after_answer:
            await self._transport(message)
            return

        async def deliver() -> None:
            try:
                await self._transport(message)
            except Exception:  # noqa: BLE001 (nobody is waiting for it)
                log.warning("a %s message was not delivered", message.channel, exc_info=True)

        task = asyncio.get_running_loop().create_task(deliver())
        _IN_FLIGHT.add(task)
        task.add_done_callback(_IN_FLIGHT.discard)

    async def _transport(self, message: Outgoing) -> None:
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
