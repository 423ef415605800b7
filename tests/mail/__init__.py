"""Helpers shared by the mail tests: the mail servers' shared secret, an app password made
over the API, and a mail server's login question."""

from __future__ import annotations

import httpx

from monban.accounts.model import Account
from tests.conftest import PASSWORD, token_for

MAIL_TOKEN = "mail-servers-shared-secret-for-tests"  # noqa: S105


async def new_app_password(client: httpx.AsyncClient, account: Account,
                           name: str = "Thunderbird") -> tuple[str, str]:
    """(id, password as shown) of a new app password made over the API."""
    headers = await token_for(client, account.email or "")
    made = await client.post("/api/v1/me/app-passwords", headers=headers,
                             json={"name": name, "current_password": PASSWORD})
    assert made.status_code == 201, made.text
    body = made.json()
    return body["app_password"]["id"], body["password"]


async def mail_login(client: httpx.AsyncClient, username: str, password: str,
                     protocol: str = "imap", client_ip: str = "203.0.113.9",
                     token: str = MAIL_TOKEN) -> httpx.Response:
    return await client.post("/api/v1/mail/logins", headers={"authorization": f"Bearer {token}"},
                             json={"username": username, "password": password,
                                   "protocol": protocol, "client_ip": client_ip})
