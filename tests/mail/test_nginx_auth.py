"""GET /api/v1/mail/nginx-auth speaks nginx's auth_http protocol (headers in, headers out)."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from monban.accounts.model import Account
from monban.clock import FrozenClock
from tests.conftest import PASSWORD
from tests.factors import enroll_totp
from tests.mail import MAIL_TOKEN, new_app_password


async def _ask(client: httpx.AsyncClient, user: str, password: str,
               protocol: str = "imap") -> httpx.Response:
    return await client.get("/api/v1/mail/nginx-auth", headers={
        "X-Monban-Mail-Token": MAIL_TOKEN, "Auth-Method": "plain", "Auth-User": quote(user),
        "Auth-Pass": quote(password), "Auth-Protocol": protocol, "Auth-Login-Attempt": "1",
        "Client-IP": "203.0.113.9"})


async def test_a_good_login_is_sent_to_the_backend(client: httpx.AsyncClient,
                                                   member: Account, clock: FrozenClock) -> None:
    _, password = await new_app_password(client, member)
    await enroll_totp(client, member, clock)
    answer = await _ask(client, member.email or "", password)
    assert answer.status_code == 200
    assert (answer.headers["auth-status"], answer.headers["auth-server"],
            answer.headers["auth-port"]) == ("OK", "127.0.0.1", "1143")


async def test_a_refusal_names_the_code_and_the_fix(client: httpx.AsyncClient,
                                                    member: Account, clock: FrozenClock) -> None:
    await enroll_totp(client, member, clock)
    answer = await _ask(client, member.email or "", PASSWORD)
    assert answer.headers["auth-status"].startswith("APP_PASSWORD_REQUIRED: ")
    assert "auth-wait" not in answer.headers
    wrong = await _ask(client, member.email or "", "wrong")
    assert wrong.headers["auth-status"] == "INVALID_CREDENTIALS: Incorrect password."
    assert wrong.headers["auth-wait"] == "3"


async def test_a_protocol_without_a_backend_is_refused(client: httpx.AsyncClient,
                                                       member: Account) -> None:
    answer = await _ask(client, member.email or "", PASSWORD, protocol="pop3")
    assert answer.headers["auth-status"].startswith("INVALID_REQUEST")
