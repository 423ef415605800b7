"""A mail server asks POST /api/v1/mail/logins whether a mail client's login is good: app
passwords always, the account password only while MFA is off (APP_PASSWORD_REQUIRED then),
behind the same allowed-IP list and attempt lockout as the web sign-in."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.runtime import Runtime
from monban.store.audit import AuditQuery
from tests.conftest import PASSWORD, error_code
from tests.factors import enroll_totp
from tests.mail import MAIL_TOKEN, mail_login, new_app_password


async def test_without_mfa_the_account_password_works(client: httpx.AsyncClient,
                                                     member: Account) -> None:
    answer = await mail_login(client, member.email or "", PASSWORD)
    assert answer.status_code == 200, answer.text
    assert answer.json()["method"] == "password"
    assert answer.json()["account"]["email"] == member.email


@pytest.mark.parametrize(("language", "text"), [
    ("en", "Multi-factor authentication is on: use an app-specific password in your mail "
           "client."),
    ("ja", "多要素認証が有効なため、"
           "メールクライアントにはアプリ専用パスワードを使用してください。"),
])
async def test_with_mfa_the_account_password_needs_an_app_password(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock, runtime: Runtime,
        language: str, text: str) -> None:
    _, password = await new_app_password(client, member)  # while a password alone signs in
    await enroll_totp(client, member, clock)
    await runtime.directory.update_account(member, language=language)
    refused = await mail_login(client, member.email or "", PASSWORD)
    assert refused.status_code == 401
    error = refused.json()["error"]
    assert (error["code"], error["message"]) == ("APP_PASSWORD_REQUIRED", text)
    assert error["help"].split("?")[0].endswith("/help/errors/APP_PASSWORD_REQUIRED")
    accepted = await mail_login(client, member.email or "", password)
    assert accepted.status_code == 200 and accepted.json()["method"] == "app_password"
    wrong = await mail_login(client, member.email or "", "not the password")
    assert error_code(wrong) == "INVALID_CREDENTIALS"


async def test_an_org_that_requires_mfa_needs_app_passwords_too(
        client: httpx.AsyncClient, member: Account, set_org) -> None:  # type: ignore[no-untyped-def]
    await set_org(mfa_required=True)
    refused = await mail_login(client, member.email or "", PASSWORD)
    assert error_code(refused) == "APP_PASSWORD_REQUIRED"


async def test_a_revoked_app_password_stops_working(client: httpx.AsyncClient,
                                                    member: Account, clock: FrozenClock,
                                                    runtime: Runtime) -> None:
    password_id, password = await new_app_password(client, member)
    await enroll_totp(client, member, clock)
    assert (await mail_login(client, member.email or "", password)).status_code == 200
    await runtime.app_passwords.revoke(member, password_id, actor_id=member.id, ip=None)
    refused = await mail_login(client, member.email or "", password)
    assert refused.status_code == 401 and error_code(refused) == "INVALID_CREDENTIALS"
    listed = await runtime.app_passwords.list(member)
    assert listed == []


async def test_last_use_is_shown(client: httpx.AsyncClient, member: Account,
                                 runtime: Runtime) -> None:
    _, password = await new_app_password(client, member)
    await mail_login(client, member.email or "", password, protocol="smtp",
                     client_ip="2001:db8::7")
    used, = await runtime.app_passwords.list(member)
    assert (used.last_used_protocol, used.last_used_ip) == ("smtp", "2001:db8::7")


async def test_the_allowed_ip_list_applies_to_the_mail_client(
        client: httpx.AsyncClient, member: Account, runtime: Runtime) -> None:
    _, password = await new_app_password(client, member)
    assert member.org_id is not None
    await runtime.directory.add_ip_rule("org", member.org_id, "203.0.113.0/24", "office")
    assert (await mail_login(client, member.email or "", password,
                             client_ip="203.0.113.50")).status_code == 200
    refused = await mail_login(client, member.email or "", password, client_ip="192.0.2.1")
    assert refused.status_code == 403 and error_code(refused) == "IP_NOT_ALLOWED"


async def test_wrong_mail_passwords_lock_out_like_web_ones(client: httpx.AsyncClient,
                                                           member: Account) -> None:
    answers = await asyncio.gather(*[
        mail_login(client, member.email or "", f"guess {i}") for i in range(12)])
    codes = sorted(error_code(a) for a in answers)
    assert codes.count("INVALID_CREDENTIALS") == 8
    assert codes.count("SIGNIN_ATTEMPTS_EXCEEDED") == 4
    still = await mail_login(client, member.email or "", PASSWORD)
    assert still.status_code == 429 and error_code(still) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_a_disabled_account_and_an_unknown_one(client: httpx.AsyncClient,
                                                     member: Account,
                                                     runtime: Runtime) -> None:
    await runtime.directory.update_account(member, disabled=True)
    refused = await mail_login(client, member.email or "", PASSWORD)
    assert refused.status_code == 403 and error_code(refused) == "ACCOUNT_DISABLED"
    unknown = await mail_login(client, "nobody@acme.example", PASSWORD)
    assert unknown.status_code == 401 and error_code(unknown) == "INVALID_CREDENTIALS"


async def test_every_login_is_audited_without_the_secret(client: httpx.AsyncClient,
                                                         member: Account,
                                                         runtime: Runtime) -> None:
    _, password = await new_app_password(client, member)
    await mail_login(client, member.email or "", password, protocol="pop3")
    await mail_login(client, member.email or "", "a wrong secret here")
    events = [e for e in await runtime.directory.audit(AuditQuery(account_id=member.id))
              if e.event == "mail.login"]
    assert [(e.outcome, e.code, e.detail["protocol"]) for e in events] == [
        ("failure", "INVALID_CREDENTIALS", "imap"), ("success", None, "pop3")]
    assert all(password.replace(" ", "") not in str(e) and "a wrong secret" not in str(e)
               for e in events)


async def test_only_mail_servers_may_ask(client: httpx.AsyncClient, member: Account,
                                         runtime: Runtime) -> None:
    stranger = await mail_login(client, member.email or "", PASSWORD, token="guess")
    assert stranger.status_code == 403 and error_code(stranger) == "PERMISSION_DENIED"
    bad = await mail_login(client, member.email or "", PASSWORD, protocol="http")
    assert bad.status_code == 400 and error_code(bad) == "INVALID_REQUEST"
    runtime.settings.mail_auth_token = ""
    off = await mail_login(client, member.email or "", PASSWORD, token=MAIL_TOKEN)
    assert off.status_code == 404 and error_code(off) == "NOT_FOUND"
