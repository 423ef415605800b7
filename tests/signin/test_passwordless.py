"""Passwordless sign-in over the API: a code to the account's own email address or mobile
number in place of the password, behind the same gates, with the same second step."""

from __future__ import annotations

import re

import httpx
import pytest

from monban.accounts.model import Account, Role
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import PASSWORD, Updater, error_code
from tests.factors import enroll_totp

PHONE = "+819012345678"


async def _code_for(runtime: Runtime, target: str) -> str:
    body = (await runtime.outbox.latest(1, target=target))[0].body
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


async def _start(client: httpx.AsyncClient, identifier: str) -> str:
    started = await client.post("/api/v1/signin/flows", json={"identifier": identifier})
    assert started.status_code == 201, started.text
    flow_id: str = started.json()["flow"]["id"]
    return flow_id


async def _send(client: httpx.AsyncClient, flow_id: str) -> httpx.Response:
    return await client.post(f"/api/v1/signin/flows/{flow_id}/code")


async def _verify(client: httpx.AsyncClient, flow_id: str, code: str) -> httpx.Response:
    return await client.post(f"/api/v1/signin/flows/{flow_id}/code/verify",
                             json={"code": code, "keep_signed_in": True})


async def test_a_code_by_email_signs_in(client: httpx.AsyncClient, member: Account,
                                        runtime: Runtime) -> None:
    flow_id = await _start(client, member.email or "")
    sent = await _send(client, flow_id)
    assert sent.status_code == 200, sent.text
    assert sent.json()["sent_to"] == "h•••@acme.example"
    done = await _verify(client, flow_id, await _code_for(runtime, member.email or ""))
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["state"] == "done" and body["session"]["persistent"] is True
    me = await client.get("/api/v1/me", headers={"authorization": f"Bearer {body['token']}"})
    assert me.json()["account"]["id"] == member.id
    replay = await _verify(client, flow_id, await _code_for(runtime, member.email or ""))
    assert error_code(replay) == "FLOW_EXPIRED"


async def test_a_typed_mobile_number_gets_a_text(client: httpx.AsyncClient, org,  # type: ignore[no-untyped-def]
                                                 runtime: Runtime) -> None:
    await runtime.directory.create_account(display_name="Taro", phone=PHONE,
                                           password="a long password 1", org=org,
                                           role=Role.MEMBER, language="ja")
    flow_id = await _start(client, PHONE)
    assert (await _send(client, flow_id)).json()["sent_to"] == "+81 ••••5678"
    text = (await runtime.outbox.latest(1, target=PHONE))[0]
    assert text.channel == "sms" and "確認コード" in text.body
    done = await _verify(client, flow_id, await _code_for(runtime, PHONE))
    assert done.json()["state"] == "done"


async def test_wrong_codes_count_towards_the_lockout(client: httpx.AsyncClient,
                                                     member: Account) -> None:
    flow_id = await _start(client, member.email or "")
    await _send(client, flow_id)
    codes = [error_code(await _verify(client, flow_id, f"{i:06d}")) for i in range(9)]
    assert codes == ["INVALID_OTP"] * 8 + ["SIGNIN_ATTEMPTS_EXCEEDED"]


async def test_an_expired_code(client: httpx.AsyncClient, member: Account, runtime: Runtime,
                               clock: FrozenClock) -> None:
    from datetime import timedelta

    flow_id = await _start(client, member.email or "")
    await _send(client, flow_id)
    code = await _code_for(runtime, member.email or "")
    clock.advance(timedelta(minutes=11))
    late = await _verify(client, flow_id, code)
    assert late.status_code == 401 and error_code(late) == "OTP_EXPIRED"


@pytest.mark.parametrize(("language", "text"), [
    ("en", "This sign-in method is not allowed for your account."),
    ("ja", "この方法でのサインインは許可されていません。"),
])
async def test_the_org_can_switch_it_off(client: httpx.AsyncClient, member: Account,
                                         runtime: Runtime, set_org: Updater, language: str,
                                         text: str) -> None:
    await runtime.directory.update_account(member, language=language)
    await set_org(passwordless_allowed=False)
    flow_id = await _start(client, member.email or "")
    refused = await _send(client, flow_id)
    assert refused.status_code == 403
    assert (refused.json()["error"]["code"], refused.json()["error"]["message"]) == (
        "SIGNIN_METHOD_NOT_ALLOWED", text)
    assert await runtime.outbox.latest(1, target=member.email) == []


async def _with_phone(runtime: Runtime, org) -> Account:  # type: ignore[no-untyped-def]
    return await runtime.directory.create_account(
        display_name="Jiro", email="jiro@acme.example", phone=PHONE,
        password=PASSWORD, org=org, role=Role.MEMBER, language="en")


async def test_never_to_a_mailbox_the_org_hosts(client: httpx.AsyncClient, member: Account,
                                                org, runtime: Runtime,  # type: ignore[no-untyped-def]
                                                set_org: Updater) -> None:
    await set_org(mail_hosted_domains=["acme.example"])
    refused = await _send(client, await _start(client, member.email or ""))
    assert error_code(refused) == "SIGNIN_METHOD_NOT_ALLOWED"
    jiro = await _with_phone(runtime, org)
    sent = await _send(client, await _start(client, jiro.email or ""))
    assert sent.json()["sent_to"] == "+81 ••••5678"  # the mobile number instead


async def test_the_second_step_still_applies(client: httpx.AsyncClient, member: Account,
                                            runtime: Runtime, clock: FrozenClock) -> None:
    await enroll_totp(client, member, clock)
    flow_id = await _start(client, member.email or "")
    await _send(client, flow_id)
    answer = await _verify(client, flow_id, await _code_for(runtime, member.email or ""))
    assert answer.json()["state"] == "mfa"
    assert [f["kind"] for f in answer.json()["factors"]] == ["totp"]


async def test_the_only_second_factor_is_not_also_the_first(
        client: httpx.AsyncClient, org, runtime: Runtime,  # type: ignore[no-untyped-def]
        set_org: Updater) -> None:
    """A member whose only second factor is SMS gets the sign-in code by email; with the
    email domain hosted by the org, no channel is left and the method is refused."""
    from tests.conftest import token_for

    member = await _with_phone(runtime, org)
    headers = await token_for(client, member.email or "")
    started = await client.post("/api/v1/me/factors/sms", headers=headers,
                                json={"name": "Phone", "params": {"phone": PHONE}})
    enrollment = started.json()["enrollment"]
    await client.post(f"/api/v1/me/factors/sms/{enrollment['id']}/confirm", headers=headers,
                      json={"response": {"code": await _code_for(runtime, PHONE)}})
    sent = await _send(client, await _start(client, PHONE))
    assert sent.json()["sent_to"] == "j•••@acme.example"
    await set_org(mail_hosted_domains=["acme.example"])
    refused = await _send(client, await _start(client, PHONE))
    assert error_code(refused) == "SIGNIN_METHOD_NOT_ALLOWED"


async def test_an_unknown_hidden_identifier_gets_the_same_answer(
        client: httpx.AsyncClient, org, runtime: Runtime,  # type: ignore[no-untyped-def]
        set_org: Updater) -> None:
    await runtime.directory.add_domain(org, "acme.example")
    await set_org(hide_account_existence=True)
    flow_id = await _start(client, "nobody@acme.example")
    sent = await _send(client, flow_id)
    assert sent.status_code == 200 and sent.json()["sent_to"] == "n•••@acme.example"
    assert await runtime.outbox.latest(1, target="nobody@acme.example") == []
    assert error_code(await _verify(client, flow_id, "123456")) == "INVALID_OTP"


async def test_a_hidden_unknown_identifier_is_refused_like_a_member(
        client: httpx.AsyncClient, org, runtime: Runtime,  # type: ignore[no-untyped-def]
        set_org: Updater) -> None:
    await runtime.directory.add_domain(org, "acme.example")
    await set_org(hide_account_existence=True, passwordless_allowed=False)
    refused = await _send(client, await _start(client, "nobody@acme.example"))
    assert refused.status_code == 403 and error_code(refused) == "SIGNIN_METHOD_NOT_ALLOWED"
