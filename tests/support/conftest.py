"""Fixtures for support-assisted recovery: a real SMTP server (aiosmtpd) where the person's
mail arrives (SMS go to the outbox), a support agent of the org, a member who lost the phone
with their authenticator app, and the steps of a request over the API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account, Org, Role
from monban.clock import FrozenClock
from monban.config import Settings
from monban.runtime import Runtime
from tests.conftest import PASSWORD, token_for
from tests.factors import enroll_totp
from tests.factors.sms_provider import CODE, MailServer

CONTACT = "hanako.home@example.net"
BACKUP_CODE = re.compile(r"\b(\d{4}-\d{4}-\d{4})\b")


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer.running() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, mail: MailServer) -> Settings:
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": mail.port,
                                       "smtp_starttls": False,
                                       "smtp_from": "no-reply@monban.example"})


@pytest.fixture
async def agent(runtime: Runtime, org: Org) -> Account:
    return await runtime.directory.create_account(
        display_name="Support", email="support@acme.example", password=PASSWORD, org=org,
        role=Role.SUPPORT, language="en")


@pytest.fixture
async def root(runtime: Runtime) -> Account:
    return await runtime.directory.create_account(
        display_name="Root", email="root@monban.example", password=PASSWORD, superadmin=True,
        language="en")


@pytest.fixture
async def with_app(member: Account, client: httpx.AsyncClient, clock: FrozenClock) -> str:
    """The member has an authenticator app (then lost the phone); its factor id."""
    _, factor_id = await enroll_totp(client, member, clock)
    return factor_id


def mail_to(mail: MailServer, address: str) -> EmailMessage:
    found = [m for m, (_, to) in zip(mail.messages, mail.envelopes, strict=True)
             if address in to]
    assert found, f"no mail to {address}"
    return found[-1]


def contact_code(mail: MailServer, address: str = CONTACT) -> str:
    found = CODE.search(str(mail_to(mail, address).get_content()))
    assert found
    return found.group(1)


def backup_code_in(text: str) -> str:
    found = BACKUP_CODE.search(text)
    assert found, text
    return found.group(1)


async def file_request(client: httpx.AsyncClient, identifier: str, contact: str = CONTACT,
                       description: str = "I lost my phone with the authenticator app.",
                       **extra: Any) -> httpx.Response:
    return await client.post("/api/v1/support/requests", json={
        "identifier": identifier, "contact": contact, "description": description, **extra})


async def queued_request(client: httpx.AsyncClient, mail: MailServer, identifier: str,
                         contact: str = CONTACT) -> str:
    """File and prove the contact (by email); the request id."""
    filed = await file_request(client, identifier, contact)
    assert filed.status_code == 202, filed.text
    request_id: str = filed.json()["request"]["id"]
    proven = await client.post(f"/api/v1/support/requests/{request_id}/contact/verify",
                               json={"code": contact_code(mail, contact)})
    assert proven.status_code == 200, proven.text
    return request_id


async def staff(client: httpx.AsyncClient, account: Account) -> dict[str, str]:
    return await token_for(client, account.email or "")


async def passed_check(client: httpx.AsyncClient, headers: dict[str, str],
                       request_id: str) -> httpx.Response:
    answer = await client.post(f"/api/v1/support/requests/{request_id}/checks",
                               headers=headers,
                               json={"check": "last_signin_location", "passed": True})
    assert answer.status_code == 201, answer.text
    return answer
