"""A message about to leave Monban, and who causes it: what the send limiter (limits.py) judges
and the one `Senders.send` (senders.py) delivers.

Kinds, because they are limited differently (docs/security.md, "Send limits"):

- `verify`: a code to a destination nobody has proven yet (adding an SMS or email factor,
  adding a recovery contact, a support request's contact). Anyone can type any number here,
  so this is what pumping uses: its destination count is shared by every account.
- `code`: a code to a destination the account already proved (sign-in by code, the second
  step, a recovery code). Counted per destination *and account*, so nobody else can use up
  the person's own codes by typing their number somewhere.
- `notice`: a security notice to the account's own addresses (password changed, contact
  added, ...). Limited only per notice and address, never by the counts an attacker can fill.
- `reply`: a support agent's message to a requester's contact.
- `push`: a sign-in request to the account's authenticator app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from monban.accounts.model import Account
from monban.network.client_ip import IPAddress

Channel = Literal["sms", "email", "push"]
Kind = Literal["verify", "code", "notice", "reply", "push"]


@dataclass(frozen=True, slots=True)
class Origin:
    """On whose behalf and from where a message is sent (None: unknown, e.g. the CLI)."""

    account: Account | None = None
    """The account the message is for (its org is the org counted)."""
    ip: IPAddress | None = None
    """The address of the request that causes the send."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    channel: Channel
    kind: Kind
    to: str
    """E.164 number, email address, or (push) the account id."""
    text: str
    """The SMS text or the email body (never logged, never audited: it may hold a code)."""
    subject: str = ""
    payload: dict[str, str] | None = None
    """Push: the wake-up message the app receives."""

    @classmethod
    def sms(cls, kind: Kind, to: str, text: str) -> Outgoing:
        return cls("sms", kind, to, text)

    @classmethod
    def email(cls, kind: Kind, to: str, subject: str, body: str) -> Outgoing:
        return cls("email", kind, to, body, subject)

    @classmethod
    def push(cls, channel: str, payload: dict[str, str]) -> Outgoing:
        """A wake-up to the apps listening on the fan-out `channel` (devices/setup.py)."""
        return cls("push", "push", channel, "", payload=payload)
