"""SMS codes through the JSON API, delivered by a real HTTP stand-in of the provider
(tests/factors/sms_provider.py): the code that arrives is the code that works, once, for ten
minutes, until a newer one replaces it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.config import Settings
from monban.crypto.code_hash import CodeHasher
from monban.db.tables import factor_enrollments, factors, otp_challenges, sessions
from monban.errors import CatalogueError
from monban.factors import one_time_codes
from monban.runtime import Runtime
from tests.conftest import Updater, error_code, sign_in, token_for
from tests.factors.sms_provider import ACCOUNT, SENDER, TOKEN, SmsProvider

PHONE = "+819012345678"


@pytest.fixture
def provider() -> Iterator[SmsProvider]:
    with SmsProvider.running() as running:
        yield running


@pytest.fixture
def settings(settings: Settings, provider: SmsProvider) -> Settings:
    return settings.model_copy(update={"sms_provider_url": provider.url, "sms_account": ACCOUNT,
                                       "sms_token": TOKEN, "sms_from": SENDER})


async def count(runtime: Runtime, table: Any) -> int:
    def go(conn: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    return await runtime.db.run(go, write=False)


async def enroll_sms(client: httpx.AsyncClient, headers: dict[str, str],
                     provider: SmsProvider) -> dict[str, Any]:
    started = await client.post("/api/v1/me/factors/sms", headers=headers,
                                json={"params": {"phone": "+81 90-1234-5678"}})
    assert started.status_code == 201, started.text
    enrollment = started.json()["enrollment"]
    confirmed = await client.post(f"/api/v1/me/factors/sms/{enrollment['id']}/confirm",
                                  headers=headers,
                                  json={"response": {"code": provider.last(PHONE).code}})
    assert confirmed.status_code == 201, confirmed.text
    factor: dict[str, Any] = confirmed.json()["factor"]
    return factor


async def mfa_flow(client: httpx.AsyncClient, member: Account, provider: SmsProvider
                   ) -> tuple[str, str]:
    """Enrol SMS, sign in again up to the MFA step: (flow id, factor id)."""
    await enroll_sms(client, await token_for(client, member.email or ""), provider)
    step = (await sign_in(client, member.email or "")).json()
    assert step["state"] == "mfa", step
    return step["flow"]["id"], step["factors"][0]["id"]


async def challenge(client: httpx.AsyncClient, flow_id: str, factor_id: str
                    ) -> httpx.Response:
    return await client.post(f"/api/v1/signin/flows/{flow_id}/mfa/challenge",
                             json={"factor_id": factor_id})


async def verify(client: httpx.AsyncClient, flow_id: str, factor_id: str, code: str
                 ) -> httpx.Response:
    return await client.post(f"/api/v1/signin/flows/{flow_id}/mfa/verify",
                             json={"factor_id": factor_id, "response": {"code": code}})


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_enrol_then_sign_in_with_the_code_that_arrives(
        member: Account, client: httpx.AsyncClient, provider: SmsProvider,
        runtime: Runtime) -> None:
    headers = await token_for(client, member.email or "")
    started = await client.post("/api/v1/me/factors/sms", headers=headers,
                                json={"params": {"phone": "090-1234-5678"}})
    assert error_code(started) == "INVALID_PHONE_NUMBER"  # no country code
    started = await client.post("/api/v1/me/factors/sms", headers=headers,
                                json={"params": {"phone": "+81 90-1234-5678"}})
    assert started.json()["enrollment"]["display"] == {"sent_to": "+81 ••••5678",
                                                       "resend_after": 30}
    sms = provider.last()
    assert (sms.to, sms.sender) == (PHONE, SENDER)
    assert sms.body.startswith(f"[Monban] Verification code: {sms.code} (valid for 10 min")
    enrollment_id = started.json()["enrollment"]["id"]
    confirm_url = f"/api/v1/me/factors/sms/{enrollment_id}/confirm"
    bad = await client.post(confirm_url, headers=headers,
                            json={"response": {"code": wrong(sms.code)}})
    assert error_code(bad) == "INVALID_OTP"
    done = await client.post(confirm_url, headers=headers, json={"response": {"code": sms.code}})
    assert done.status_code == 201 and done.json()["factor"]["target"] == "+81 ••••5678"
    again = await client.post(confirm_url, headers=headers, json={"response": {"code": sms.code}})
    assert error_code(again) == "FLOW_EXPIRED"

    step = (await sign_in(client, member.email or "")).json()
    assert step["state"] == "mfa" and step["factors"][0]["kind"] == "sms"
    flow_id, factor_id = step["flow"]["id"], step["factors"][0]["id"]
    sent = await challenge(client, flow_id, factor_id)
    assert sent.json() == {"challenge": {"sent_to": "+81 ••••5678", "resend_after": 30}}
    assert len(provider.messages) == 2
    result = await verify(client, flow_id, factor_id, provider.last().code)
    assert result.status_code == 200 and result.json()["state"] == "done", result.text

    def amrs(conn: Any) -> list[str]:
        return [str(row[0]) for row in conn.execute(select(sessions.c.amr))]

    assert "pwd,sms,mfa" in await runtime.db.run(amrs, write=False)


async def test_wrong_code_in_both_languages(member: Account, client: httpx.AsyncClient,
                                            provider: SmsProvider, runtime: Runtime,
                                            clock: FrozenClock) -> None:
    flow_id, factor_id = await mfa_flow(client, member, provider)
    await challenge(client, flow_id, factor_id)
    code = provider.last().code
    answer = await verify(client, flow_id, factor_id, wrong(code))
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "Incorrect verification code."
    await runtime.directory.update_account(member, language="ja")
    answer = await verify(client, flow_id, factor_id, "not a code")
    assert error_code(answer) == "INVALID_OTP"
    assert answer.json()["error"]["message"] == "ワンタイムパスワードが正しくありません。"
    clock.advance(timedelta(seconds=31))
    await challenge(client, flow_id, factor_id)
    ja = provider.last().body
    assert ja == (f"[Monban] 確認コード: {provider.last().code} (10分間有効)。"
                  "このコードを他人に教えないでください。")
    assert (await verify(client, flow_id, factor_id, provider.last().code)).status_code == 200


async def test_expired_and_superseded_codes(member: Account, client: httpx.AsyncClient,
                                            provider: SmsProvider, clock: FrozenClock) -> None:
    flow_id, factor_id = await mfa_flow(client, member, provider)
    await challenge(client, flow_id, factor_id)
    first = provider.last().code
    clock.advance(timedelta(minutes=11))
    assert error_code(await verify(client, flow_id, factor_id, first)) == "OTP_EXPIRED"

    await challenge(client, flow_id, factor_id)
    second = provider.last().code
    clock.advance(timedelta(seconds=31))
    await challenge(client, flow_id, factor_id)
    third = provider.last().code
    if second != third:  # one in a million they coincide
        assert error_code(await verify(client, flow_id, factor_id, second)) == "OTP_EXPIRED"
    assert (await verify(client, flow_id, factor_id, third)).status_code == 200


async def test_resend_cool_down(member: Account, client: httpx.AsyncClient,
                                provider: SmsProvider, clock: FrozenClock) -> None:
    flow_id, factor_id = await mfa_flow(client, member, provider)
    assert (await challenge(client, flow_id, factor_id)).status_code == 200
    sent = len(provider.messages)
    soon = await challenge(client, flow_id, factor_id)
    assert soon.status_code == 400 and error_code(soon) == "INVALID_REQUEST"
    assert soon.json()["error"]["detail"] == {"retry_after": 30}
    clock.advance(timedelta(seconds=12))
    assert (await challenge(client, flow_id, factor_id)).json()["error"]["detail"] == {
        "retry_after": 18}
    assert len(provider.messages) == sent
    clock.advance(timedelta(seconds=18))
    assert (await challenge(client, flow_id, factor_id)).status_code == 200
    assert len(provider.messages) == sent + 1


async def test_provider_down_leaves_nothing_behind(member: Account, client: httpx.AsyncClient,
                                                   provider: SmsProvider,
                                                   runtime: Runtime) -> None:
    headers = await token_for(client, member.email or "")
    provider.fail_with = 500
    answer = await client.post("/api/v1/me/factors/sms", headers=headers,
                               json={"params": {"phone": PHONE}})
    assert answer.status_code == 503 and error_code(answer) == "SERVICE_UNAVAILABLE"
    for table in (factors, factor_enrollments, otp_challenges):
        assert await count(runtime, table) == 0
    provider.fail_with = None  # no cool-down held by the code that never went out
    factor = await enroll_sms(client, headers, provider)

    flow_id = (await sign_in(client, member.email or "")).json()["flow"]["id"]
    provider.fail_with = 503
    assert error_code(await challenge(client, flow_id, factor["id"])) == "SERVICE_UNAVAILABLE"
    assert await count(runtime, otp_challenges) == 1  # only the used enrolment code
    provider.fail_with = None
    assert (await challenge(client, flow_id, factor["id"])).status_code == 200
    assert (await verify(client, flow_id, factor["id"], provider.last().code)).status_code == 200


async def test_a_hundred_parallel_submissions_one_success(
        member: Account, runtime: Runtime, clock: FrozenClock) -> None:
    codes = CodeHasher(runtime.secret_key)
    scope = one_time_codes.Scope(member.id, "mfa", "sms", PHONE, "flow-1")
    issued = await runtime.db.run(one_time_codes.issue, codes, scope, clock.now())

    def submit(_: int) -> str:
        try:
            runtime.db.transaction(one_time_codes.consume, codes, scope, issued.code,
                                   clock.now())
        except CatalogueError as error:
            return error.code
        return "ok"

    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = await asyncio.get_running_loop().run_in_executor(
            None, lambda: list(pool.map(submit, range(100))))
    assert outcomes.count("ok") == 1
    assert set(outcomes) == {"ok", "INVALID_OTP"}


async def test_eight_wrong_codes_lock_the_source(member: Account, client: httpx.AsyncClient,
                                                 provider: SmsProvider) -> None:
    flow_id, factor_id = await mfa_flow(client, member, provider)
    await challenge(client, flow_id, factor_id)
    code = provider.last().code
    for _ in range(8):
        assert error_code(await verify(client, flow_id, factor_id, wrong(code))) == "INVALID_OTP"
    locked = await verify(client, flow_id, factor_id, code)
    assert error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_enrolment_ends_after_five_wrong_codes(member: Account, client: httpx.AsyncClient,
                                                     provider: SmsProvider) -> None:
    headers = await token_for(client, member.email or "")
    started = await client.post("/api/v1/me/factors/sms", headers=headers,
                                json={"params": {"phone": PHONE}})
    url = f"/api/v1/me/factors/sms/{started.json()['enrollment']['id']}/confirm"
    code = provider.last().code
    for _ in range(5):
        answer = await client.post(url, headers=headers,
                                   json={"response": {"code": wrong(code)}})
        assert error_code(answer) == "INVALID_OTP"
    answer = await client.post(url, headers=headers, json={"response": {"code": code}})
    assert error_code(answer) == "FLOW_EXPIRED"


async def test_org_requiring_mfa_enrols_sms_while_signing_in(
        member: Account, client: httpx.AsyncClient, provider: SmsProvider,
        set_org: Updater) -> None:
    await set_org(mfa_required=True)
    step = (await sign_in(client, member.email or "")).json()
    assert step["state"] == "mfa_enroll" and "sms" in step["enrollable"]
    base = f"/api/v1/signin/flows/{step['flow']['id']}/mfa/enroll/sms"
    started = await client.post(base, json={"params": {"phone": PHONE}})
    assert started.status_code == 201, started.text
    done = await client.post(f"{base}/{started.json()['enrollment']['id']}/confirm",
                             json={"response": {"code": provider.last().code}})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text
