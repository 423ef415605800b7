"""Which senders the settings ask for: a real SMS provider and SMTP server when configured,
the outbox otherwise (each channel on its own)."""

from __future__ import annotations

from monban.config import Settings
from monban.notify.outbox import Outbox
from monban.notify.senders import EmailSender, Senders, SmsSender
from monban.notify.sms_http import HttpSmsSender
from monban.notify.smtp import SmtpSender


def build_senders(settings: Settings, outbox: Outbox) -> Senders:
    sms: SmsSender = HttpSmsSender.from_settings(settings) if settings.sms_provider_url else outbox
    email: EmailSender = SmtpSender.from_settings(settings) if settings.smtp_host else outbox
    return Senders(sms=sms, email=email)
