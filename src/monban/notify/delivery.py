"""Which transports the settings ask for (a real SMS provider and SMTP server when configured,
the outbox otherwise, each channel on its own), and the one Senders built on them."""

from __future__ import annotations

from monban.clock import Clock
from monban.config import Settings
from monban.db.database import Database
from monban.notify.fanout import Fanout
from monban.notify.limits import SendLimiter, SendLimits
from monban.notify.outbox import Outbox
from monban.notify.senders import EmailSender, Senders, SmsSender, Transports
from monban.notify.sms_http import HttpSmsSender
from monban.notify.smtp import SmtpSender
from monban.store.counters import Counters


def build_transports(settings: Settings, outbox: Outbox) -> Transports:
    sms: SmsSender = HttpSmsSender.from_settings(settings) if settings.sms_provider_url else outbox
    email: EmailSender = SmtpSender.from_settings(settings) if settings.smtp_host else outbox
    return Transports(sms=sms, email=email)


def build_senders(settings: Settings, outbox: Outbox, counters: Counters, db: Database,
                  clock: Clock, secret_key: str, fanout: Fanout | None = None) -> Senders:
    limiter = SendLimiter(counters, db, clock, secret_key, SendLimits.from_settings(settings))
    return Senders(build_transports(settings, outbox), limiter, fanout)
