"""hide_account_existence and mobile numbers (issue 12, item 7): a member's number and an
unknown number get the same answer (status, body shape, resend wait) at the sign-in start, in
one call with a password, for a sign-in code and in recovery; and the member's code is
delivered after the answer, so the answer does not wait on the SMS provider."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from monban.accounts.model import Org, Role
from monban.notify.senders import Transports
from monban.runtime import Runtime
from tests.conftest import PASSWORD, Updater, sign_in

MEMBER_PHONE = "+819012345678"
UNKNOWN_PHONE = "+819087654321"


@pytest.fixture
async def hidden_member(runtime: Runtime, org: Org, set_org: Updater) -> None:
    await runtime.directory.create_account(display_name="Taro", phone=MEMBER_PHONE,
                                           password=PASSWORD, org=org, role=Role.MEMBER,
                                           language="en")
    await set_org(hide_account_existence=True)


def shape(value: Any) -> Any:
    """The body with its values replaced by their types (ids and times differ per call)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


async def start(client: httpx.AsyncClient, identifier: str) -> httpx.Response:
    return await client.post("/api/v1/signin/flows", json={"identifier": identifier})


@pytest.mark.usefixtures("hidden_member")
async def test_signin_start_answers_alike(client: httpx.AsyncClient) -> None:
    member, unknown = await start(client, MEMBER_PHONE), await start(client, UNKNOWN_PHONE)
    assert member.status_code == unknown.status_code == 201, unknown.text
    assert shape(member.json()) == shape(unknown.json())
    assert member.json()["flow"]["state"] == unknown.json()["flow"]["state"]
    for form in ("+81 90-1234-5678", "+81 90-8765-4321"):  # other spellings: the same
        assert (await start(client, form)).status_code == 201


@pytest.mark.usefixtures("hidden_member")
async def test_a_wrong_password_answers_alike(client_for: Any) -> None:
    member = await sign_in(client_for(ip="198.51.100.1"), MEMBER_PHONE, "not the password 1")
    unknown = await sign_in(client_for(ip="198.51.100.2"), UNKNOWN_PHONE, "not the password 1")
    assert member.status_code == unknown.status_code == 401
    assert member.json()["error"] == unknown.json()["error"]


class HeldSms:
    """An SMS provider that takes its time: holds each message until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.sent: list[str] = []

    async def send_sms(self, to: str, text: str) -> None:
        await self.release.wait()
        self.sent.append(to)


@pytest.mark.usefixtures("hidden_member")
async def test_a_sign_in_code_answers_alike_and_does_not_wait(
        client: httpx.AsyncClient, runtime: Runtime) -> None:
    held = HeldSms()
    senders = runtime.passwordless._senders  # the provider the code goes through:
    senders._transports = Transports(held, senders._transports.email)
    answers = []
    for phone in (MEMBER_PHONE, UNKNOWN_PHONE):
        flow_id = (await start(client, phone)).json()["flow"]["id"]
        first = await asyncio.wait_for(
            client.post(f"/api/v1/signin/flows/{flow_id}/code"), timeout=10)
        again = await client.post(f"/api/v1/signin/flows/{flow_id}/code")
        answers.append((first, again))
    (member, member_again), (unknown, unknown_again) = answers
    assert member.status_code == unknown.status_code == 200, unknown.text
    assert shape(member.json()) == shape(unknown.json())
    assert member.json()["sent_to"] == "+81 ••••5678"
    assert unknown.json()["sent_to"] == "+81 ••••4321"
    assert member_again.status_code == unknown_again.status_code == 400
    assert member_again.json()["error"] == unknown_again.json()["error"]  # the same wait
    assert held.sent == []  # both answered while the provider still held the member's text
    held.release.set()
    for _ in range(3000):  # waits for the delivery (30 s at most on a busy machine)
        if held.sent:
            break
        await asyncio.sleep(0.01)
    assert held.sent == [MEMBER_PHONE]  # the member's code did go, and only theirs


@pytest.mark.usefixtures("hidden_member")
async def test_recovery_answers_alike(client: httpx.AsyncClient) -> None:
    bodies = []
    for phone in (MEMBER_PHONE, UNKNOWN_PHONE):
        started = await client.post("/api/v1/recovery/flows",
                                    json={"identifier": phone, "purpose": "password"})
        assert started.status_code == 201, started.text
        bodies.append(started.json())
    assert shape(bodies[0]) == shape(bodies[1])
    assert bodies[0]["flow"]["state"] == bodies[1]["flow"]["state"]


async def test_without_hiding_an_unknown_number_is_not_found(
        client: httpx.AsyncClient, runtime: Runtime, org: Org) -> None:
    await runtime.directory.create_account(display_name="Taro", phone=MEMBER_PHONE,
                                           password=PASSWORD, org=org, language="en")
    assert (await start(client, MEMBER_PHONE)).status_code == 201
    unknown = await start(client, UNKNOWN_PHONE)
    assert unknown.status_code == 404
