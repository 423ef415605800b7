"""The Twilio-style SMS adapter against the local stand-in provider: what it posts, how it
authenticates, and that every failure is SERVICE_UNAVAILABLE without the text in the logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from monban.clock import FrozenClock
from monban.config import Settings
from monban.db.database import Database
from monban.errors import CatalogueError
from monban.notify.delivery import build_transports
from monban.notify.outbox import Outbox
from monban.notify.sms_http import HttpSmsSender
from monban.notify.smtp import SmtpSender
from tests.factors.sms_provider import ACCOUNT, SENDER, TOKEN, SmsProvider, free_port

TEXT = "[Monban] Verification code: 493817 (valid for 10 minutes)."


@pytest.fixture
def provider() -> Iterator[SmsProvider]:
    with SmsProvider.running() as running:
        yield running


def sender(url: str, token: str = TOKEN, timeout: float = 10.0) -> HttpSmsSender:
    return HttpSmsSender(url, ACCOUNT, token, SENDER, timeout=timeout)


async def test_posts_the_form_with_basic_auth(provider: SmsProvider) -> None:
    await sender(provider.url + "/").send_sms("+819012345678", "確認コード: 493817")
    sms = provider.last()
    assert (sms.to, sms.sender, sms.body) == ("+819012345678", SENDER, "確認コード: 493817")


@pytest.mark.parametrize("trouble", ["wrong token", "http 500", "http 429", "unreachable",
                                     "stalled"])
async def test_every_failure_is_service_unavailable(provider: SmsProvider, trouble: str,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    url, token, timeout = provider.url, TOKEN, 10.0
    if trouble == "wrong token":
        token = "stolen"
    elif trouble.startswith("http"):
        provider.fail_with = int(trouble.split()[1])
    elif trouble == "unreachable":
        url = f"http://127.0.0.1:{free_port()}"
    else:
        provider.stall_seconds, timeout = 0.5, 0.1
    caplog.set_level(logging.DEBUG)
    with pytest.raises(CatalogueError) as raised:
        await sender(url, token, timeout).send_sms("+819012345678", TEXT)
    assert raised.value.code == "SERVICE_UNAVAILABLE"
    if trouble != "stalled":  # a stalled provider may still send it, late
        assert provider.messages == []
    assert caplog.records, "the failure is logged"
    assert "493817" not in caplog.text and "5678" in caplog.text
    assert TOKEN not in caplog.text


def test_settings_choose_the_senders(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    outbox = Outbox(db, FrozenClock())
    try:
        plain = build_transports(Settings(data_dir=tmp_path), outbox)
        assert plain.sms is outbox and plain.email is outbox
        real = build_transports(Settings(data_dir=tmp_path, sms_provider_url="https://sms.example",
                                      smtp_host="mail.example"), outbox)
        assert isinstance(real.sms, HttpSmsSender) and isinstance(real.email, SmtpSender)
        sms_only = build_transports(Settings(data_dir=tmp_path, sms_provider_url="https://x"),
                                 outbox)
        assert isinstance(sms_only.sms, HttpSmsSender) and sms_only.email is outbox
    finally:
        db.dispose()
