"""The SMTP sender against a real aiosmtpd server on loopback: a UTF-8 text/plain message,
AUTH when configured, STARTTLS enforced when asked for, failures as SERVICE_UNAVAILABLE."""

from __future__ import annotations

import pytest

from monban.errors import CatalogueError
from monban.notify.messages import code_email
from monban.notify.smtp import SmtpSender
from tests.factors.sms_provider import MailServer, free_port


async def test_sends_utf8_plain_text() -> None:
    subject, body = code_email("ja", "204816", 10, "花子")
    with MailServer.running() as mail:
        await SmtpSender("127.0.0.1", mail.port, "Monban <no-reply@monban.example>",
                         starttls=False).send_email("hanako@acme.example", subject, body)
    message = mail.last()
    assert message["Subject"] == "[Monban] 確認コード"
    assert message["To"] == "hanako@acme.example"
    assert message["From"] == "Monban <no-reply@monban.example>"
    assert message["Message-ID"].endswith("@monban.example>")
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == body and "204816" in body
    assert mail.envelopes == [("no-reply@monban.example", ["hanako@acme.example"])]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
async def test_logs_in_when_configured() -> None:
    with MailServer.running(login=("monban", "s3cret")) as mail:
        good = SmtpSender("127.0.0.1", mail.port, "no-reply@monban.example", "monban",
                          "s3cret", starttls=False)
        await good.send_email("a@acme.example", "s", "b")
        bad = SmtpSender("127.0.0.1", mail.port, "no-reply@monban.example", "monban",
                         "guess", starttls=False)
        with pytest.raises(CatalogueError) as raised:
            await bad.send_email("a@acme.example", "s", "b")
    assert raised.value.code == "SERVICE_UNAVAILABLE" and len(mail.messages) == 1


async def test_starttls_required_but_not_offered() -> None:
    with MailServer.running() as mail:
        with pytest.raises(CatalogueError) as raised:
            await SmtpSender("127.0.0.1", mail.port, "no-reply@monban.example",
                             starttls=True).send_email("a@acme.example", "s", "b")
    assert raised.value.code == "SERVICE_UNAVAILABLE" and mail.messages == []


async def test_server_unreachable() -> None:
    with pytest.raises(CatalogueError) as raised:
        await SmtpSender("127.0.0.1", free_port(), "no-reply@monban.example", starttls=False,
                         timeout=2).send_email("a@acme.example", "s", "b")
    assert raised.value.detail == {"channel": "email"}
