"""The same-factor policy (signin/policies.py SameFactor): a sign-in code that came by the
account's only second factor cannot be followed by that factor as the second step. The code
is sent by another channel when one is left (tests/signin/test_passwordless.py); this is the
check at the second step, for a factor list that changed after the code was sent."""

from __future__ import annotations

import re

import httpx

from monban.accounts.model import Account, Org, Role
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import PASSWORD, error_code, token_for
from tests.factors import enroll_totp

PHONE = "+819012345678"


async def _code_for(runtime: Runtime, target: str) -> str:
    body = (await runtime.outbox.latest(1, target=target))[0].body
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


async def test_the_code_s_phone_cannot_be_the_second_step_too(
        client: httpx.AsyncClient, org: Org, runtime: Runtime, clock: FrozenClock) -> None:
    member: Account = await runtime.directory.create_account(
        display_name="Jiro", email="jiro@acme.example", phone=PHONE, password=PASSWORD,
        org=org, role=Role.MEMBER, language="en")
    headers = await token_for(client, member.email or "")
    _, totp_id = await enroll_totp(client, member, clock)
    started = await client.post("/api/v1/me/factors/sms", headers=headers,
                                json={"name": "Phone", "params": {"phone": PHONE}})
    enrollment = started.json()["enrollment"]
    confirmed = await client.post(
        f"/api/v1/me/factors/sms/{enrollment['id']}/confirm", headers=headers,
        json={"response": {"code": await _code_for(runtime, PHONE)}})
    assert confirmed.status_code == 201, confirmed.text
    flow = await client.post("/api/v1/signin/flows", json={"identifier": PHONE})
    flow_id = flow.json()["flow"]["id"]
    sent = await client.post(f"/api/v1/signin/flows/{flow_id}/code")
    assert sent.status_code == 200 and sent.json()["sent_to"].startswith("+81"), sent.text
    code = await _code_for(runtime, PHONE)
    removed = await client.delete(f"/api/v1/me/factors/{totp_id}", headers=headers)
    assert removed.status_code == 200, removed.text
    refused = await client.post(f"/api/v1/signin/flows/{flow_id}/code/verify",
                                json={"code": code})
    assert error_code(refused) == "SIGNIN_METHOD_NOT_ALLOWED"
    assert refused.json()["error"]["detail"]["reason"] == "same_factor"
