"""Fixtures for getting back in: a real SMTP server (aiosmtpd) and SMS provider stand-in on
loopback (tests/factors/sms_provider.py), settings pointing Monban at both, and helpers that
drive the recovery flow through the JSON API and read the codes that arrive."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.config import Settings
from monban.runtime import Runtime
from monban.store import recovery_contacts
from monban.store.ids import new_id
from tests.factors.sms_provider import ACCOUNT, CODE, SENDER, TOKEN, MailServer, SmsProvider

RECOVERY_EMAIL = "hanako.home@example.net"
RECOVERY_PHONE = "+819012345678"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer.running() as server:
        yield server


@pytest.fixture
def provider() -> Iterator[SmsProvider]:
    with SmsProvider.running() as running:
        yield running


@pytest.fixture
def settings(settings: Settings, mail: MailServer, provider: SmsProvider) -> Settings:
    return settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": mail.port, "smtp_starttls": False,
        "smtp_from": "no-reply@monban.example", "sms_provider_url": provider.url,
        "sms_account": ACCOUNT, "sms_token": TOKEN, "sms_from": SENDER})


async def add_verified(runtime: Runtime, account: Account, channel: str = "email",
                       target: str = RECOVERY_EMAIL) -> str:
    """A confirmed recovery contact, straight into the store."""
    clock = runtime.clock
    contact = recovery_contacts.RecoveryContact(
        id=new_id(), account_id=account.id, channel=channel, target=target,
        verified_at=clock.now(), created_at=clock.now())
    await runtime.db.run(recovery_contacts.add, contact)
    await runtime.db.run(recovery_contacts.mark_verified, account.id, contact.id, clock.now())
    return contact.id


def mails_to(mail: MailServer, address: str) -> list[EmailMessage]:
    return [m for m, (_, rcpt) in zip(mail.messages, mail.envelopes, strict=True)
            if address in rcpt]


def code_in(message: EmailMessage) -> str:
    found = CODE.search(str(message.get_content()))
    assert found, message.get_content()
    return found.group(1)


def last_code_to(mail: MailServer, address: str) -> str:
    coded = [m for m in mails_to(mail, address) if CODE.search(str(m.get_content()))
             and "When:" not in str(m.get_content()) and "日時:" not in str(m.get_content())]
    assert coded, f"no code mailed to {address}"
    return code_in(coded[-1])


async def wait_for(mail: MailServer, count: int) -> None:
    for _ in range(200):
        if len(mail.messages) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"expected {count} messages, got {len(mail.messages)}")


async def start(client: httpx.AsyncClient, identifier: str, purpose: str = "password"
                ) -> httpx.Response:
    return await client.post("/api/v1/recovery/flows",
                              json={"identifier": identifier, "purpose": purpose})


async def started(client: httpx.AsyncClient, identifier: str, purpose: str = "password"
                  ) -> dict[str, Any]:
    answer = await start(client, identifier, purpose)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def send(client: httpx.AsyncClient, flow_id: str, **body: str) -> httpx.Response:
    return await client.post(f"/api/v1/recovery/flows/{flow_id}/code", json=body)


async def verify(client: httpx.AsyncClient, flow_id: str, code: str) -> httpx.Response:
    return await client.post(f"/api/v1/recovery/flows/{flow_id}/verify", json={"code": code})


async def coded_flow(client: httpx.AsyncClient, mail: MailServer, account: Account,
                     purpose: str = "password", clock: FrozenClock | None = None
                     ) -> tuple[str, str]:
    """Start, send a code to the first contact: (flow id, the code that arrived)."""
    body = await started(client, account.label, purpose)
    flow_id = body["flow"]["id"]
    sent = await send(client, flow_id, contact_id=body["contacts"][0]["id"])
    assert sent.status_code == 200, sent.text
    return flow_id, last_code_to(mail, RECOVERY_EMAIL)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"
