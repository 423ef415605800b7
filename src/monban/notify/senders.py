"""The two channels a code can travel on, behind one object the factors receive."""

from __future__ import annotations

from typing import Protocol


class SmsSender(Protocol):
    async def send_sms(self, to: str, text: str) -> None:
        """Deliver `text` to the E.164 number `to`; raise SignInError(SERVICE_UNAVAILABLE)
        when the provider cannot take it."""
        ...


class EmailSender(Protocol):
    async def send_email(self, to: str, subject: str, body: str) -> None: ...


class Senders:
    def __init__(self, sms: SmsSender, email: EmailSender) -> None:
        self.sms = sms
        self.email = email
