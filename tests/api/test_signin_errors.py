"""Each sign-in policy's catalogue code, produced through the JSON API, in ja and en, with
the catalogue's status, message, help link and fixer."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.errors import CATALOGUE
from monban.runtime import Runtime
from tests.conftest import PASSWORD, ClientFactory, Updater, error_code, sign_in

SEED_JA = {
    "IP_NOT_ALLOWED": "このIPアドレスからのサインインは許可されていません。",
    "DAILY_SIGNIN_LIMIT": "1日あたりのサインイン回数が上限に達しました。",
    "SIGNIN_ATTEMPTS_EXCEEDED":
        "サインインの試行回数の上限を超えました。時間をおいてもう一度お試しください。",
    "CONCURRENT_SESSION_LIMIT": "同時セッション数の上限に達しました。",
}


def assert_error(response: httpx.Response, code: str, lang: str) -> None:
    entry = CATALOGUE[code]
    assert response.status_code == entry.status, response.text
    body = response.json()["error"]
    assert body["code"] == code
    assert body["message"] == (entry.ja if lang == "ja" else entry.en).replace("{app}", "OneAuth")
    assert body["help"].endswith(f"/help/errors/{code}?lang={lang}")
    assert body["fix_by"] == entry.fix_by
    if lang == "ja" and code in SEED_JA:
        assert body["message"] == SEED_JA[code]


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_invalid_credentials(client_for: ClientFactory, member: Account, lang: str) -> None:
    response = await sign_in(client_for(lang=lang), member.email or "", "wrong password")
    assert_error(response, "INVALID_CREDENTIALS", "en")  # the account's language wins


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_account_not_found_in_request_language(client_for: ClientFactory, lang: str
                                                     ) -> None:
    response = await sign_in(client_for(lang=lang), "nobody@nowhere.example")
    assert_error(response, "ACCOUNT_NOT_FOUND", lang)


async def test_account_language_beats_accept_language(runtime: Runtime, org: Org,
                                                      client_for: ClientFactory) -> None:
    await runtime.directory.create_account(display_name="Jiro", email="jiro@acme.example",
                                           password=PASSWORD, org=org, language="ja")
    response = await sign_in(client_for(lang="en"), "jiro@acme.example", "wrong password")
    assert_error(response, "INVALID_CREDENTIALS", "ja")


async def test_hidden_existence_turns_not_found_into_invalid_credentials(
        runtime: Runtime, org: Org, set_org: Updater, client: httpx.AsyncClient) -> None:
    await runtime.directory.add_domain(org, "acme.example")
    await set_org(hide_account_existence=True)
    response = await sign_in(client, "ghost@acme.example")
    assert_error(response, "INVALID_CREDENTIALS", "en")
    other = await sign_in(client, "ghost@elsewhere.example")
    assert_error(other, "ACCOUNT_NOT_FOUND", "en")


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_org_ip_list_refuses_other_addresses(runtime: Runtime, org: Org,
                                                   client_for: ClientFactory, lang: str) -> None:
    await runtime.directory.create_account(display_name="Saburo", email="s@acme.example",
                                           password=PASSWORD, org=org, language=lang)
    await runtime.directory.add_ip_rule("org", org.id, "10.1.0.0/16", "Tokyo office")
    refused = await sign_in(client_for(ip="203.0.113.5", lang=lang), "s@acme.example")
    assert_error(refused, "IP_NOT_ALLOWED", lang)
    allowed = await sign_in(client_for(ip="10.1.2.3"), "s@acme.example")
    assert allowed.status_code == 200


async def test_account_ip_list_with_ipv6_and_forwarded_for(
        runtime: Runtime, member: Account, client_for: ClientFactory) -> None:
    await runtime.directory.add_ip_rule("account", member.id, "2001:db8::/32", "home")
    direct = await sign_in(client_for(ip="198.51.100.1"), member.email or "")
    assert_error(direct, "IP_NOT_ALLOWED", "en")
    # X-Forwarded-For counts only from a trusted proxy (127.0.0.1 in the test settings).
    proxy = client_for(ip="127.0.0.1")
    ok = await proxy.post("/api/v1/signin/flows", headers={"x-forwarded-for": "2001:db8::5"},
                          json={"identifier": member.email, "password": PASSWORD})
    assert ok.status_code == 200, ok.text
    spoofed = client_for(ip="198.51.100.1")
    refused = await spoofed.post("/api/v1/signin/flows",
                                 headers={"x-forwarded-for": "2001:db8::5"},
                                 json={"identifier": member.email, "password": PASSWORD})
    assert_error(refused, "IP_NOT_ALLOWED", "en")


async def test_ip_refusal_happens_before_the_password_is_tried(
        runtime: Runtime, member: Account, client: httpx.AsyncClient) -> None:
    await runtime.directory.add_ip_rule("account", member.id, "10.0.0.0/8", "office")
    response = await sign_in(client, member.email or "", "wrong password")
    assert_error(response, "IP_NOT_ALLOWED", "en")  # not INVALID_CREDENTIALS: no guess tested


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_daily_limit(runtime: Runtime, org: Org, set_org: Updater,
                           client_for: ClientFactory, lang: str) -> None:
    await set_org(daily_signin_limit=2)
    await runtime.directory.create_account(display_name="D", email="d@acme.example",
                                           password=PASSWORD, org=org, language=lang)
    client = client_for(lang=lang)
    for _ in range(2):
        assert (await sign_in(client, "d@acme.example")).status_code == 200
    assert_error(await sign_in(client, "d@acme.example"), "DAILY_SIGNIN_LIMIT", lang)


async def test_daily_limit_zero_means_no_limit(set_org: Updater, member: Account,
                                               client: httpx.AsyncClient) -> None:
    await set_org(daily_signin_limit=0)
    for _ in range(25):
        assert (await sign_in(client, member.email or "")).status_code == 200


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_attempt_lockout(runtime: Runtime, org: Org, client_for: ClientFactory,
                               lang: str) -> None:
    await runtime.directory.create_account(display_name="L", email="l@acme.example",
                                           password=PASSWORD, org=org, language=lang)
    client = client_for(lang=lang)
    for _ in range(8):
        assert error_code(await sign_in(client, "l@acme.example", "nope nope")) == \
            "INVALID_CREDENTIALS"
    locked = await sign_in(client, "l@acme.example")  # even the right password now
    assert_error(locked, "SIGNIN_ATTEMPTS_EXCEEDED", lang)
    assert locked.json()["error"]["detail"]["scope"] == "source"


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_concurrent_session_limit_and_end_others(
        runtime: Runtime, org: Org, set_org: Updater, client_for: ClientFactory,
        lang: str) -> None:
    await set_org(session_limit=2)
    await runtime.directory.create_account(display_name="C", email="c@acme.example",
                                           password=PASSWORD, org=org, language=lang)
    client = client_for(lang=lang)
    first = await sign_in(client, "c@acme.example")
    await sign_in(client, "c@acme.example")
    refused = await sign_in(client, "c@acme.example")
    assert_error(refused, "CONCURRENT_SESSION_LIMIT", lang)
    detail = refused.json()["error"]["detail"]
    assert detail["limit"] == 2 and len(detail["sessions"]) == 2
    done = await client.post(f"/api/v1/signin/flows/{detail['flow_id']}/end-other-sessions")
    assert done.status_code == 200
    old = {"Authorization": f"Bearer {first.json()['token']}"}
    assert_error(await client.get("/api/v1/me", headers=old), "SESSION_EXPIRED", lang)
    # The flow is used up: a second "continue" cannot mint another session.
    again = await client.post(f"/api/v1/signin/flows/{detail['flow_id']}/end-other-sessions")
    assert_error(again, "FLOW_EXPIRED", lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_disabled_account(runtime: Runtime, org: Org, client_for: ClientFactory,
                                lang: str) -> None:
    account = await runtime.directory.create_account(
        display_name="X", email="x@acme.example", password=PASSWORD, org=org, language=lang)
    await runtime.directory.update_account(account, disabled=True)
    assert_error(await sign_in(client_for(), "x@acme.example"), "ACCOUNT_DISABLED", lang)
    # ...but only once the password is proven: a wrong one says nothing about the account.
    wrong = await sign_in(client_for(), "x@acme.example", "wrong password")
    assert_error(wrong, "INVALID_CREDENTIALS", lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_flow_expires(member: Account, client_for: ClientFactory, clock: FrozenClock,
                            lang: str) -> None:
    client = client_for(lang=lang)
    started = await client.post("/api/v1/signin/flows", json={"identifier": member.email})
    flow_id = started.json()["flow"]["id"]
    clock.advance(timedelta(minutes=16))
    late = await client.post(f"/api/v1/signin/flows/{flow_id}/password",
                             json={"password": PASSWORD})
    assert_error(late, "FLOW_EXPIRED", lang)
    assert_error(await client.get(f"/api/v1/signin/flows/{flow_id}"), "FLOW_EXPIRED", lang)


async def test_flow_cannot_be_replayed(member: Account, client: httpx.AsyncClient) -> None:
    started = await client.post("/api/v1/signin/flows", json={"identifier": member.email})
    flow_id = started.json()["flow"]["id"]
    url = f"/api/v1/signin/flows/{flow_id}/password"
    assert (await client.post(url, json={"password": PASSWORD})).status_code == 200
    assert_error(await client.post(url, json={"password": PASSWORD}), "FLOW_EXPIRED", "en")


async def test_audit_records_every_attempt_without_secrets(
        runtime: Runtime, admin: Account, member: Account, client: httpx.AsyncClient) -> None:
    await sign_in(client, member.email or "", "hunter2 wrong")
    await sign_in(client, member.email or "")
    admin_token = (await sign_in(client, admin.email or "")).json()["token"]
    headers = {"Authorization": f"Bearer {admin_token}"}
    events = (await client.get("/api/v1/orgs/acme/audit", headers=headers,
                               params={"account": member.email})).json()["events"]
    kinds = [(e["event"], e["outcome"], e["code"]) for e in events]
    assert ("signin.password", "failure", "INVALID_CREDENTIALS") in kinds
    assert ("signin.success", "success", None) in kinds
    for e in events:
        if e["event"].startswith("signin."):
            assert e["ip"] == "198.51.100.7" and e["flow_id"]
    assert "hunter2" not in str(events) and PASSWORD not in str(events)
