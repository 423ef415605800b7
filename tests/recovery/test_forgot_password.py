"""Forgot password through the JSON API: identifier, a masked recovery contact, the code that
arrives at a real SMTP server or SMS provider stand-in, the account's MFA where it has one, a
new password; every other session ends and the account's addresses hear of it. Each refusal
in Japanese and English."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta
from ipaddress import ip_address

import httpx
import pytest

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.recovery import Recovery
from monban.recovery.reset import _use_code
from monban.runtime import Runtime
from monban.signin.request_info import RequestInfo
from monban.store import accounts
from tests.conftest import PASSWORD, ClientFactory, Updater, error_code, sign_in, token_for
from tests.factors import (
    code_at,
    enroll_totp,
    pg_runtime,  # noqa: F401 (a fixture)
)
from tests.factors.sms_provider import CODE, MailServer, SmsProvider
from tests.recovery.conftest import (
    RECOVERY_EMAIL,
    RECOVERY_PHONE,
    add_verified,
    coded_flow,
    last_code_to,
    mails_to,
    send,
    start,
    started,
    verify,
    wrong,
)

NEW_PASSWORD = "a brand new passphrase"


async def test_reset_by_email_end_to_end(member: Account, runtime: Runtime,
                                         client: httpx.AsyncClient, mail: MailServer) -> None:
    await add_verified(runtime, member)
    old = await token_for(client, member.label)
    body = await started(client, "Hanako@ACME.example")
    assert body["state"] == "r_choose" and body["typed"] is False
    assert body["contacts"] == [{"id": body["contacts"][0]["id"], "channel": "email",
                                 "sent_to": "h•••@example.net"}]
    flow_id = body["flow"]["id"]
    sent = await send(client, flow_id, contact_id=body["contacts"][0]["id"])
    assert sent.json() == {"sent_to": "h•••@example.net", "resend_after": 30}
    message = mails_to(mail, RECOVERY_EMAIL)[-1]
    assert message["Subject"] == "[Monban] Reset your password"
    code = last_code_to(mail, RECOVERY_EMAIL)
    assert code not in message["Subject"] and "Hello Hanako" in message.get_content()

    step = await verify(client, flow_id, code)
    assert step.status_code == 200 and step.json()["state"] == "r_new_password", step.text
    done = await client.post(f"/api/v1/recovery/flows/{flow_id}/new-password",
                             json={"password": NEW_PASSWORD})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text
    assert done.json()["session"]["current"] and "monban_session" in done.cookies

    ended = await client.get("/api/v1/me", headers=old)
    assert error_code(ended) == "SESSION_EXPIRED"
    fresh = await client.get("/api/v1/me", headers={
        "Authorization": f"Bearer {done.json()['token']}"})
    assert fresh.status_code == 200
    assert error_code(await sign_in(client, member.label)) == "INVALID_CREDENTIALS"
    assert (await sign_in(client, member.label, NEW_PASSWORD)).status_code == 200
    for address in ("hanako@acme.example", RECOVERY_EMAIL):
        notices = [m for m in mails_to(mail, address)
                   if m["Subject"] == "[Monban] Your password was changed"]
        assert len(notices) == 1, address
    again = await client.post(f"/api/v1/recovery/flows/{flow_id}/new-password",
                              json={"password": "yet another passphrase"})
    assert error_code(again) == "FLOW_EXPIRED"


async def test_reset_by_sms_in_japanese(member: Account, runtime: Runtime,
                                        client: httpx.AsyncClient, provider: SmsProvider,
                                        mail: MailServer) -> None:
    member = await runtime.directory.update_account(member, language="ja")
    await add_verified(runtime, member, "sms", RECOVERY_PHONE)
    body = await started(client, member.label)
    assert body["contacts"][0]["sent_to"] == "+81 ••••5678"
    await send(client, body["flow"]["id"], contact_id=body["contacts"][0]["id"])
    sms = provider.last(RECOVERY_PHONE)
    assert sms.body == (f"[Monban] パスワードリセット用の確認コード: {sms.code} (10分間有効)。"
                        "他人に教えないでください。")
    wrong_answer = await verify(client, body["flow"]["id"], wrong(sms.code))
    assert wrong_answer.status_code == 401
    assert wrong_answer.json()["error"]["message"] == "ワンタイムパスワードが正しくありません。"
    assert (await verify(client, body["flow"]["id"], sms.code)).status_code == 200
    done = await client.post(f"/api/v1/recovery/flows/{body['flow']['id']}/new-password",
                             json={"password": NEW_PASSWORD})
    assert done.status_code == 200, done.text
    notice = mails_to(mail, "hanako@acme.example")[-1]
    assert notice["Subject"] == "[Monban] パスワードが変更されました"
    assert "パスワードのリセットによって変更されました" in notice.get_content()


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "No recovery email address or mobile number is registered."),
    ("ja", "復元用メールアドレスまたは携帯電話番号が登録されていません。"),
])
async def test_no_recovery_option_sends_to_the_org_admins_without_naming_them(
        member: Account, admin: Account, runtime: Runtime, client_for: ClientFactory,
        lang: str, text: str) -> None:
    member = await runtime.directory.update_account(member, language=lang)
    answer = await start(client_for(lang="en"), member.label)
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert (error["code"], error["message"], error["fix_by"]) == (
        "NO_RECOVERY_OPTION", text, "support")
    assert error["detail"] == {"ask": "org_admin"}  # anonymous: no staff names, addresses
    assert "admin@acme.example" not in answer.text and "Admin" not in answer.text
    assert error["help"].endswith(f"/help/errors/NO_RECOVERY_OPTION?lang={lang}")


async def test_no_recovery_option_sends_a_personal_account_to_support(
        runtime: Runtime, client: httpx.AsyncClient, member: Account) -> None:
    await add_verified(runtime, member, target="unverified@example.net")  # not this account's
    person = await runtime.directory.create_account(display_name="Jiro", username="jiro",
                                                    password=PASSWORD, language="en")
    answer = await start(client, "jiro")
    assert error_code(answer) == "NO_RECOVERY_OPTION"
    assert answer.json()["error"]["detail"] == {"ask": "support"}
    assert person.org_id is None


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Your administrator doesn't allow users to reset their password themselves."),
    ("ja",
     "管理者によってパスワードの自己リセットが許可されていません。管理者にお問い合わせください。"),
])
async def test_org_forbids_self_reset(member: Account, runtime: Runtime, set_org: Updater,
                                      client_for: ClientFactory, lang: str, text: str) -> None:
    member = await runtime.directory.update_account(member, language=lang)
    await add_verified(runtime, member)
    await set_org(self_reset_allowed=False)
    answer = await start(client_for(lang="en"), member.label)
    assert answer.status_code == 403
    assert (error_code(answer), answer.json()["error"]["message"]) == (
        "SELF_RESET_NOT_ALLOWED", text)
    assert answer.json()["error"]["detail"]["ask"] == "org_admin"
    for purpose in ("mfa", "ip"):
        allowed = (await start(client_for(lang=lang), member.label, purpose)).status_code
        assert allowed == (403 if purpose == "mfa" else 201)


async def test_unknown_identifier_is_told_as_the_sign_in_tells_it(
        client: httpx.AsyncClient, runtime: Runtime) -> None:
    answer = await start(client, "nobody@acme.example")
    assert answer.status_code == 404 and error_code(answer) == "ACCOUNT_NOT_FOUND"
    signin = await sign_in(client, "nobody@acme.example")
    assert error_code(signin) == "ACCOUNT_NOT_FOUND"


@pytest.mark.parametrize(("lang", "expired", "wrong_text"), [
    ("en", "This verification code has expired.", "Incorrect verification code."),
    ("ja", "ワンタイムパスワードの有効期限が切れています。",
     "ワンタイムパスワードが正しくありません。"),
])
async def test_codes_expire_after_ten_minutes_and_when_a_newer_one_is_sent(
        member: Account, runtime: Runtime, client: httpx.AsyncClient, mail: MailServer,
        clock: FrozenClock, lang: str, expired: str, wrong_text: str) -> None:
    await runtime.directory.update_account(member, language=lang)
    await add_verified(runtime, member)
    flow_id, first = await coded_flow(client, mail, member)
    answer = await verify(client, flow_id, wrong(first))
    assert (error_code(answer), answer.json()["error"]["message"]) == ("INVALID_OTP",
                                                                      wrong_text)
    clock.advance(timedelta(minutes=10))
    answer = await verify(client, flow_id, first)
    assert (error_code(answer), answer.json()["error"]["message"]) == ("OTP_EXPIRED", expired)

    body = (await client.get(f"/api/v1/recovery/flows/{flow_id}")).json()
    contact_id = body["contacts"][0]["id"]
    assert (await send(client, flow_id, contact_id=contact_id)).status_code == 200
    second = last_code_to(mail, RECOVERY_EMAIL)
    soon = await send(client, flow_id, contact_id=contact_id)
    assert error_code(soon) == "INVALID_REQUEST"
    assert soon.json()["error"]["detail"] == {"retry_after": 30}
    clock.advance(timedelta(seconds=30))
    assert (await send(client, flow_id, contact_id=contact_id)).status_code == 200
    third = last_code_to(mail, RECOVERY_EMAIL)
    if second != third:  # one in a million they coincide
        assert error_code(await verify(client, flow_id, second)) == "OTP_EXPIRED"
    assert (await verify(client, flow_id, third)).status_code == 200


@pytest.mark.parametrize("lang", ["en", "ja"])
async def test_wrong_codes_count_towards_the_sign_in_lockout(
        member: Account, runtime: Runtime, client_for: ClientFactory, mail: MailServer,
        lang: str) -> None:
    member = await runtime.directory.update_account(member, language=lang)
    await add_verified(runtime, member)
    client = client_for(lang="en")
    flow_id, code = await coded_flow(client, mail, member)
    for _ in range(4):
        assert error_code(await verify(client, flow_id, wrong(code))) == "INVALID_OTP"
    for _ in range(4):
        assert error_code(await sign_in(client, member.label, "not it")) == (
            "INVALID_CREDENTIALS")
    locked = await verify(client, flow_id, code)
    assert locked.status_code == 429 and error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"
    message = locked.json()["error"]["message"]
    assert message == ("You have exceeded the maximum number of sign-in attempts. Please try "
                       "again later." if lang == "en" else
                       "サインインの試行回数の上限を超えました。時間をおいてもう一度お試しください。")
    assert error_code(await sign_in(client, member.label)) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_five_wrong_codes_retire_the_code(member: Account, runtime: Runtime,
                                                client: httpx.AsyncClient,
                                                mail: MailServer, clock: FrozenClock) -> None:
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member)
    for _ in range(5):
        assert error_code(await verify(client, flow_id, wrong(code))) == "INVALID_OTP"
    assert error_code(await verify(client, flow_id, code)) == "OTP_EXPIRED"
    clock.advance(timedelta(seconds=30))
    contact_id = (await client.get(f"/api/v1/recovery/flows/{flow_id}")).json()["contacts"][0]
    await send(client, flow_id, contact_id=contact_id["id"])
    assert (await verify(client, flow_id, last_code_to(mail, RECOVERY_EMAIL))).status_code == 200


async def test_a_hundred_parallel_uses_of_one_code_give_one_success(
        member: Account, runtime: Runtime, client: httpx.AsyncClient,
        mail: MailServer) -> None:
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member)
    answers = await asyncio.gather(*(verify(client, flow_id, code) for _ in range(100)))
    assert [a.status_code for a in answers].count(200) == 1
    assert {error_code(a) for a in answers if a.status_code != 200} <= {
        "INVALID_OTP", "FLOW_EXPIRED", "SIGNIN_ATTEMPTS_EXCEEDED"}


async def test_hourly_cap_on_codes(member: Account, runtime: Runtime,
                                   client: httpx.AsyncClient, mail: MailServer,
                                   clock: FrozenClock) -> None:
    await add_verified(runtime, member)
    body = await started(client, member.label)
    flow_id, contact_id = body["flow"]["id"], body["contacts"][0]["id"]
    for _ in range(5):
        assert (await send(client, flow_id, contact_id=contact_id)).status_code == 200
        clock.advance(timedelta(seconds=30))
    capped = await send(client, flow_id, contact_id=contact_id)  # the send limits
    assert error_code(capped) == "SEND_LIMIT_REACHED"
    assert capped.json()["error"]["detail"] == {"channel": "email", "scope": "destination",
                                                "retry_after": 3450}
    assert len(mails_to(mail, RECOVERY_EMAIL)) == 5


async def test_the_accounts_mfa_is_asked_as_well(member: Account, runtime: Runtime,
                                                 client: httpx.AsyncClient, mail: MailServer,
                                                 clock: FrozenClock) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member)
    before = (await client.get(f"/api/v1/recovery/flows/{flow_id}")).json()
    assert before["factors"] == []  # nothing about the factors before the code is proven
    early = await client.post(f"/api/v1/recovery/flows/{flow_id}/mfa/challenge",
                              json={"factor_id": factor_id})
    assert error_code(early) == "FLOW_EXPIRED"
    step = (await verify(client, flow_id, code)).json()
    assert step["state"] == "r_mfa" and [f["id"] for f in step["factors"]] == [factor_id]
    early = await client.post(f"/api/v1/recovery/flows/{flow_id}/new-password",
                              json={"password": NEW_PASSWORD})
    assert error_code(early) == "FLOW_EXPIRED"
    url = f"/api/v1/recovery/flows/{flow_id}/mfa/verify"
    bad = await client.post(url, json={"factor_id": factor_id, "response": {"code": "000000"}})
    assert error_code(bad) == "INVALID_OTP"
    good = await client.post(url, json={"factor_id": factor_id,
                                        "response": {"code": code_at(secret, clock)}})
    assert good.json()["state"] == "r_new_password", good.text
    done = await client.post(f"/api/v1/recovery/flows/{flow_id}/new-password",
                             json={"password": NEW_PASSWORD})
    assert done.json()["session"]["id"] and done.status_code == 200


async def test_backup_codes_alone_are_asked_too(member: Account, runtime: Runtime,
                                                client: httpx.AsyncClient, mail: MailServer
                                                ) -> None:
    headers = await token_for(client, member.label)
    made = await client.post("/api/v1/me/factors/backup_code", headers=headers,
                             json={"params": {}})
    codes = made.json()["enrollment"]["display"]["codes"]
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member)
    step = (await verify(client, flow_id, code)).json()
    assert step["state"] == "r_mfa" and step["factors"][0]["kind"] == "backup_code"
    proved = await client.post(f"/api/v1/recovery/flows/{flow_id}/mfa/verify", json={
        "factor_id": step["factors"][0]["id"], "response": {"code": codes[0]}})
    assert proved.json()["state"] == "r_new_password"


async def test_the_new_password_meets_the_policy_and_a_forced_change_is_done(
        member: Account, runtime: Runtime, client: httpx.AsyncClient, mail: MailServer
        ) -> None:
    await runtime.db.run(accounts.update_fields, member.id, must_change_password=True)
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member)
    await verify(client, flow_id, code)
    url = f"/api/v1/recovery/flows/{flow_id}/new-password"
    short = await client.post(url, json={"password": "short"})
    assert error_code(short) == "PASSWORD_POLICY_VIOLATION"
    assert (await client.post(url, json={"password": NEW_PASSWORD})).status_code == 200
    stored = await runtime.db.run(accounts.get, member.id)
    assert stored is not None and not stored.must_change_password


async def test_a_disabled_account_learns_it_only_after_the_code(
        member: Account, runtime: Runtime, client: httpx.AsyncClient, mail: MailServer
        ) -> None:
    await add_verified(runtime, member)
    await runtime.directory.update_account(member, disabled=True)
    flow_id, code = await coded_flow(client, mail, member)
    assert error_code(await verify(client, flow_id, code)) == "ACCOUNT_DISABLED"


async def test_an_allowed_ip_list_refuses_the_sign_in_not_the_reset(
        member: Account, org: Org, runtime: Runtime, client: httpx.AsyncClient,
        mail: MailServer) -> None:
    await runtime.directory.add_ip_rule("org", org.id, "10.0.0.0/8", "Office")
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member)
    await verify(client, flow_id, code)
    answer = await client.post(f"/api/v1/recovery/flows/{flow_id}/new-password",
                               json={"password": NEW_PASSWORD})
    assert error_code(answer) == "IP_NOT_ALLOWED"
    assert answer.json()["error"]["detail"] == {"scope": "org", "password_changed": True}


async def test_an_sms_factor_is_challenged_inside_the_reset(
        member: Account, runtime: Runtime, client: httpx.AsyncClient, mail: MailServer,
        provider: SmsProvider) -> None:
    headers = await token_for(client, member.label)
    started_sms = await client.post("/api/v1/me/factors/sms", headers=headers,
                                    json={"params": {"phone": "+819011112222"}})
    enrollment = started_sms.json()["enrollment"]
    await client.post(f"/api/v1/me/factors/sms/{enrollment['id']}/confirm", headers=headers,
                      json={"response": {"code": provider.last("+819011112222").code}})
    await add_verified(runtime, member)
    flow_id, code = await coded_flow(client, mail, member)
    step = (await verify(client, flow_id, code)).json()
    factor_id = step["factors"][0]["id"]
    sent = await client.post(f"/api/v1/recovery/flows/{flow_id}/mfa/challenge",
                             json={"factor_id": factor_id})
    assert sent.json()["challenge"]["sent_to"] == "+81 ••••2222"
    proved = await client.post(f"/api/v1/recovery/flows/{flow_id}/mfa/verify", json={
        "factor_id": factor_id, "response": {"code": provider.last("+819011112222").code}})
    assert proved.json()["state"] == "r_new_password", proved.text


async def test_a_hundred_parallel_uses_on_postgresql(pg_runtime: Runtime  # noqa: F811
                                                     ) -> None:
    """The same race on PostgreSQL (MONBAN_TEST_POSTGRES_URL), straight at the statement
    that uses a code and moves the flow on; the code is read from the outbox."""
    org = await pg_runtime.directory.create_org("Acme", "acme")
    account = await pg_runtime.directory.create_account(
        display_name="Hanako", email="hanako@acme.example", password=PASSWORD, org=org,
        language="en")
    await add_verified(pg_runtime, account)
    recovery = Recovery.of(pg_runtime)
    request = RequestInfo(ip=ip_address("198.51.100.7"), user_agent="test")
    step = await recovery.reset.start(account.label, "password", request)
    await recovery.reset.send(step.flow.id, request, contact_id=step.contacts[0]["id"])
    [message] = await pg_runtime.outbox.latest(1, RECOVERY_EMAIL)
    found = CODE.search(message.body)
    assert found is not None
    loaded = await recovery.reset.load(step.flow.id, ("r_code",), request)
    sent = loaded.flow.data["sent"]

    def use(_: int) -> str:
        problem = pg_runtime.db.transaction(
            _use_code, recovery.codes, replace(loaded.flow, data=dict(loaded.flow.data)),
            sent, found.group(1), pg_runtime.clock.now(), "r_new_password", False)
        return problem.code if problem else "ok"

    with ThreadPoolExecutor(max_workers=32) as pool:
        outcomes = await asyncio.get_running_loop().run_in_executor(
            None, lambda: list(pool.map(use, range(100))))
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "INVALID_OTP"}
