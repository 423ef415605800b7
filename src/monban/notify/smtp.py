"""Email through an SMTP server (aiosmtplib): one text/plain UTF-8 message per call.

STARTTLS is required when settings.smtp_starttls is on (no silent downgrade); port 465 means
implicit TLS. Any failure is SERVICE_UNAVAILABLE; bodies (they hold codes) are never logged."""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from monban.config import Settings
from monban.errors import CatalogueError

log = logging.getLogger("monban.notify.smtp")
TIMEOUT_SECONDS = 10.0
IMPLICIT_TLS_PORT = 465


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str, username: str = "",
                 password: str = "", starttls: bool = True,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username
        self._password = password
        self._starttls = starttls
        self._timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender:
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_from,
                   settings.smtp_username, settings.smtp_password, settings.smtp_starttls)

    def message(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        domain = self._sender.rpartition("@")[2] or "localhost"
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(body, subtype="plain", charset="utf-8")
        return message

    async def send_email(self, to: str, subject: str, body: str) -> None:
        implicit = self._port == IMPLICIT_TLS_PORT
        try:
            await aiosmtplib.send(
                self.message(to, subject, body), hostname=self._host, port=self._port,
                username=self._username or None, password=self._password or None,
                use_tls=implicit, start_tls=False if implicit else self._starttls,
                timeout=self._timeout)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            log.warning("SMTP delivery to %s failed (%s)", _domain(to), type(exc).__name__)
            raise CatalogueError("SERVICE_UNAVAILABLE", detail={"channel": "email"}) from None
        log.info("email accepted by the SMTP server for %s", _domain(to))


def _domain(address: str) -> str:
    return "…@" + address.rpartition("@")[2]
