"""Bad input and access errors through the API: a catalogue-shaped 4xx, never a 500, and
nothing half-written."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from monban.accounts.model import Account
from monban.app import create_app
from monban.clock import FrozenClock
from monban.config import Settings
from monban.runtime import Runtime, build_runtime
from tests.api.test_signin_errors import assert_error
from tests.conftest import PASSWORD, ClientFactory, sign_in, token_for


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_signin_required(client_for: ClientFactory, lang: str) -> None:
    assert_error(await client_for(lang=lang).get("/api/v1/me"), "SIGNIN_REQUIRED", lang)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_session_expired_after_idle_timeout(runtime: Runtime, member: Account,
                                                  set_org: object, client_for: ClientFactory,
                                                  clock: FrozenClock, lang: str) -> None:
    from datetime import timedelta

    await set_org(session_idle_minutes=30)  # type: ignore[operator]
    client = client_for(lang=lang)
    headers = await token_for(client, member.email or "")
    clock.advance(timedelta(minutes=20))
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    clock.advance(timedelta(minutes=31))
    assert_error(await client.get("/api/v1/me", headers=headers), "SESSION_EXPIRED", lang)


async def test_session_expires_at_lifetime(member: Account, client: httpx.AsyncClient,
                                           clock: FrozenClock) -> None:
    from datetime import timedelta

    headers = await token_for(client, member.email or "")
    clock.advance(timedelta(days=14, seconds=1))
    assert_error(await client.get("/api/v1/me", headers=headers), "SESSION_EXPIRED", "en")


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_permission_denied_for_members(member: Account, admin: Account,
                                             client_for: ClientFactory, lang: str) -> None:
    client = client_for(lang=lang)
    headers = await token_for(client, member.email or "")
    response = await client.patch("/api/v1/orgs/acme/settings", headers=headers,
                                  json={"session_limit": 1})
    assert_error(response, "PERMISSION_DENIED", "en")
    assert_error(await client.post("/api/v1/orgs", headers=headers,
                                   json={"name": "X", "slug": "x"}), "PERMISSION_DENIED", "en")


async def test_support_reads_but_cannot_change(runtime: Runtime, org: object,
                                               client: httpx.AsyncClient) -> None:
    from monban.accounts.model import Role

    await runtime.directory.create_account(display_name="S", email="support@acme.example",
                                           password=PASSWORD, org=org, role=Role.SUPPORT)  # type: ignore[arg-type]
    headers = await token_for(client, "support@acme.example")
    assert (await client.get("/api/v1/orgs/acme/members", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/orgs/acme/audit", headers=headers)).status_code == 200
    denied = await client.patch("/api/v1/orgs/acme/settings", headers=headers,
                                json={"session_limit": 1})
    assert_error(denied, "PERMISSION_DENIED", "ja")  # the account's language (ja) wins


async def test_not_found(admin: Account, client: httpx.AsyncClient) -> None:
    headers = await token_for(client, admin.email or "")
    assert_error(await client.get("/api/v1/orgs/nope", headers=headers), "NOT_FOUND", "en")
    assert_error(await client.delete("/api/v1/me/sessions/abc", headers=headers),
                 "NOT_FOUND", "en")
    assert_error(await client.get("/api/v1/no/such/route"), "NOT_FOUND", "en")


async def test_identifier_taken_leaves_no_row(runtime: Runtime, admin: Account,
                                              member: Account, client: httpx.AsyncClient) -> None:
    headers = await token_for(client, admin.email or "")
    body = {"display_name": "Dup", "email": member.email, "password": PASSWORD}
    response = await client.post("/api/v1/orgs/acme/members", headers=headers, json=body)
    assert_error(response, "IDENTIFIER_TAKEN", "en")
    members = (await client.get("/api/v1/orgs/acme/members", headers=headers)).json()
    assert len(members["members"]) == 2


@pytest.mark.parametrize(("field", "value", "code"), [
    ("email", "not-an-email", "INVALID_EMAIL"),
    ("phone", "+81 123", "INVALID_PHONE_NUMBER"),
    ("password", "short", "PASSWORD_POLICY_VIOLATION"),
    ("role", "emperor", "INVALID_REQUEST"),
    ("timezone", "Mars/Olympus", "INVALID_REQUEST"),
])
async def test_invalid_member_fields(admin: Account, client: httpx.AsyncClient, field: str,
                                     value: str, code: str) -> None:
    headers = await token_for(client, admin.email or "")
    body = {"display_name": "New", "email": "new@acme.example", "password": PASSWORD,
            field: value}
    assert_error(await client.post("/api/v1/orgs/acme/members", headers=headers, json=body),
                 code, "en")
    found = (await client.get("/api/v1/orgs/acme/members", headers=headers)).json()["members"]
    assert all(m["email"] != "new@acme.example" for m in found)


async def test_phone_numbers_are_stored_in_e164(admin: Account,
                                                client: httpx.AsyncClient) -> None:
    headers = await token_for(client, admin.email or "")
    created = await client.post("/api/v1/orgs/acme/members", headers=headers, json={
        "display_name": "P", "phone": "+81 90-1234-5678", "password": PASSWORD})
    assert created.json()["account"]["phone"] == "+819012345678"
    assert (await sign_in(client, "+81 90 1234 5678")).status_code == 200


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_password_policy_names_the_rule(member: Account, client_for: ClientFactory,
                                              lang: str) -> None:
    client = client_for(lang=lang)
    headers = await token_for(client, member.email or "")
    response = await client.put("/api/v1/me/password", headers=headers, json={
        "current_password": PASSWORD, "new_password": "1234567"})
    assert_error(response, "PASSWORD_POLICY_VIOLATION", "en")
    assert response.json()["error"]["detail"]["rule"] == "min_length"


@pytest.mark.parametrize("cidr", ["10.0.0.0/33", "banana", "2001:db8::/129", ""])
async def test_invalid_ip_rule(member: Account, client: httpx.AsyncClient, cidr: str) -> None:
    headers = await token_for(client, member.email or "")
    response = await client.post("/api/v1/me/allowed-ips", headers=headers,
                                 json={"cidr": cidr, "name": "x"})
    assert_error(response, "INVALID_IP_RULE", "en")
    assert (await client.get("/api/v1/me/allowed-ips", headers=headers)).json()[
        "allowed_ips"] == []


async def test_add_my_current_ip(member: Account, client_for: ClientFactory) -> None:
    client = client_for(ip="203.0.113.9")
    headers = await token_for(client, member.email or "")
    added = await client.post("/api/v1/me/allowed-ips", headers=headers,
                              json={"cidr": "current", "name": "here"})
    assert added.json()["allowed_ip"]["cidr"] == "203.0.113.9/32"
    assert (await sign_in(client, member.email or "")).status_code == 200
    assert_error(await sign_in(client_for(ip="203.0.113.10"), member.email or ""),
                 "IP_NOT_ALLOWED", "en")


@pytest.mark.parametrize("body", [
    b"{not json", b"[]", b'{"identifier": 5}', b'{"identifier": "a@b.example", "extra": 1}',
    b'{"identifier": ""}',
])
async def test_invalid_request_bodies(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post("/api/v1/signin/flows", content=body,
                                 headers={"content-type": "application/json"})
    assert_error(response, "INVALID_REQUEST", "en")


async def test_validation_errors_never_echo_the_password(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/signin/flows", json={
        "identifier": "a@b.example", "password": "s3cret-value", "surprise": True})
    assert "s3cret-value" not in response.text


async def test_request_too_large(client: httpx.AsyncClient) -> None:
    big = b'{"identifier": "' + b"a" * 70_000 + b'"}'
    response = await client.post("/api/v1/signin/flows", content=big,
                                 headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "REQUEST_TOO_LARGE"


async def test_cookie_session_needs_csrf_header(member: Account,
                                                client: httpx.AsyncClient) -> None:
    assert (await sign_in(client, member.email or "")).status_code == 200
    assert (await client.get("/api/v1/me")).status_code == 200  # cookie works for reads
    refused = await client.post("/api/v1/me/sessions/end-others")
    assert_error(refused, "CSRF_CHECK_FAILED", "en")
    # Issue #12 (6): a planted CSRF cookie echoed in the header no longer passes.
    client.cookies.set("monban_csrf", "x" * 43)
    forged = await client.post("/api/v1/me/sessions/end-others",
                               headers={"x-csrf-token": "x" * 43})
    assert_error(forged, "CSRF_CHECK_FAILED", "en")
    token = (await client.get("/api/v1/me/csrf-token")).json()["csrf_token"]
    ok = await client.post("/api/v1/me/sessions/end-others", headers={"x-csrf-token": token})
    assert ok.status_code == 200


async def test_database_unreachable_is_service_unavailable(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="postgresql://nobody@127.0.0.1:9/none",
                        argon2_memory_kib=1024, argon2_time_cost=1, allowed_hosts=["t"])
    runtime = build_runtime(settings, migrate=False)
    try:
        transport = httpx.ASGITransport(app=create_app(runtime=runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await sign_in(client, "a@b.example")
            assert_error(response, "SERVICE_UNAVAILABLE", "ja")
            assert (await client.get("/readyz")).status_code == 503
            assert (await client.get("/healthz")).status_code == 200
    finally:
        runtime.close()


async def test_password_change_is_behind_the_lockout(member: Account,
                                                     client: httpx.AsyncClient) -> None:
    headers = await token_for(client, member.email or "")
    body = {"current_password": "guess guess", "new_password": "a new password 1"}
    codes = [(await client.put("/api/v1/me/password", headers=headers, json=body)).json()[
        "error"]["code"] for _ in range(9)]
    assert codes == ["INVALID_CREDENTIALS"] * 8 + ["SIGNIN_ATTEMPTS_EXCEEDED"]


async def test_a_server_fault_is_internal_error_in_the_catalogue_shape(
        runtime: Runtime, member: Account, app: object) -> None:
    from sqlalchemy import text

    # Data broken by hand in the database: the org's settings no longer validate.
    runtime.db.transaction(lambda conn: conn.execute(
        text("UPDATE orgs SET settings = :s"), {"s": '{"daily_signin_limit": -5}'}))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False,  # type: ignore[arg-type]
                                    client=("198.51.100.7", 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                 headers={"accept-language": "ja"}) as client:
        response = await sign_in(client, member.email or "")
    assert_error(response, "INTERNAL_ERROR", "ja")  # the account is not known: the request's
    assert PASSWORD not in response.text and "Traceback" not in response.text
