"""App passwords in a real browser: from the security page, generate one (it is shown once),
a mail server accepts it, revoke it, the mail server refuses it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from .conftest import ACCOUNTS, MAIL_TOKEN, PASSWORD, Server, sign_in

pytestmark = pytest.mark.browser
EMAIL = ACCOUNTS["mail"][1]


def _mail_server_asks(server: Server, password: str) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{server.base}/api/v1/mail/logins", method="POST",
        headers={"authorization": f"Bearer {MAIL_TOKEN}", "content-type": "application/json"},
        data=json.dumps({"username": EMAIL, "password": password, "protocol": "imap",
                         "client_ip": "203.0.113.9"}).encode())
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_generate_use_and_revoke_an_app_password(server: Server, page_for: Any) -> None:
    page = page_for(locale="ja-JP")
    sign_in(page, server.base, EMAIL)
    page.wait_for_url(f"{server.base}/account/security")
    page.click("text=アプリ専用パスワードを管理する")
    page.wait_for_url(f"{server.base}/account/app-passwords")
    assert page.locator("h1").inner_text() == "メールクライアント用のアプリ専用パスワード"
    page.fill("#name", "Thunderbird")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    shown = page.locator("[data-app-password]").inner_text()
    assert len(shown) == 19 and "Thunderbird 用のアプリ専用パスワード" in page.inner_text(
        "#new-app-password")
    assert _mail_server_asks(server, shown) == 200
    page.goto(f"{server.base}/account/app-passwords")  # shown once: later, the name only
    assert page.locator("[data-app-password]").count() == 0
    assert "Thunderbird" in page.inner_text("table")
    page.click("[data-app-password-row] button")
    page.wait_for_url(f"{server.base}/account/app-passwords?notice=app_password_revoked")
    assert "アプリ専用パスワードを取り消しました。" in page.inner_text("main")
    assert page.locator("[data-app-password-row]").count() == 0
    assert _mail_server_asks(server, shown) == 401
