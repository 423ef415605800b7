"""The HTML pages in a real browser against a real server."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from monban.runtime import build_runtime

from .conftest import (
    ACCOUNTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    Server,
    run_async,
    sign_in,
)

pytestmark = pytest.mark.browser


def email(name: str) -> str:
    return ACCOUNTS[name][1]


def test_sign_in_shows_the_security_page(server: Server, page_for: Any) -> None:
    page = page_for(locale="ja-JP")
    page.goto(f"{server.base}/signin")
    assert page.locator("h1").inner_text() == "サインイン"
    page.screenshot(path="/tmp/signin.png", full_page=True)
    sign_in(page, server.base, email("signin"))
    page.wait_for_url(f"{server.base}/account/security")
    assert "このセッション" in page.locator("#sessions").inner_text()


def _relaunch(playwright: Any, profile: Path) -> Any:
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, locale="en-US")


@pytest.mark.parametrize("keep", [True, False], ids=["kept", "not-kept"])
def test_keep_me_signed_in_survives_a_browser_restart(server: Server, playwright: Any,
                                                      tmp_path: Path, keep: bool) -> None:
    profile = tmp_path / "profile"
    context = _relaunch(playwright, profile)
    page = context.pages[0] if context.pages else context.new_page()
    sign_in(page, server.base, email("keep"), keep=keep)
    page.wait_for_url(f"{server.base}/account/security")
    context.close()

    context = _relaunch(playwright, profile)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{server.base}/account/security")
        if keep:
            assert page.url == f"{server.base}/account/security"
            assert "This session" in page.locator("#sessions").inner_text()
        else:
            assert page.url.startswith(f"{server.base}/signin?next=")
    finally:
        context.close()


def test_blocked_ip_sees_the_seed_page_message(server: Server, page_for: Any) -> None:
    page = page_for(locale="ja-JP")
    sign_in(page, server.base, email("walled"))
    alert = page.locator(".alert")
    assert "このIPアドレスからのサインインは許可されていません。" in alert.inner_text()
    assert alert.locator("a.help-link").get_attribute("href") == "/help/errors/IP_NOT_ALLOWED"


def _api_sign_in(server: Server, identifier: str) -> None:
    """Another session for the same account, from a non-browser client."""
    request = urllib.request.Request(
        f"{server.base}/api/v1/signin/flows", method="POST",
        data=json.dumps({"identifier": identifier, "password": PASSWORD}).encode(),
        headers={"content-type": "application/json", "user-agent": "curl/8.0"})
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
        assert answer.status == 200


def test_security_page_add_my_ip_and_end_another_session(server: Server,
                                                          page_for: Any) -> None:
    _api_sign_in(server, email("security"))
    page = page_for()
    sign_in(page, server.base, email("security"))
    page.wait_for_url(f"{server.base}/account/security")
    page.click("text=Add my current IP (127.0.0.1)")
    assert "127.0.0.1/32" in page.locator("#allowed-ips").inner_text()
    assert "The IP address has been added." in page.locator(".notice").inner_text()
    other = page.locator("#sessions tr", has_text="curl")
    assert other.count() == 1
    page.screenshot(path="/tmp/security.png", full_page=True)
    other.locator("button", has_text="End").click()
    assert page.locator("#sessions tr", has_text="curl").count() == 0
    assert "This session" in page.locator("#sessions").inner_text()


def test_admin_changes_the_session_limit(server: Server, page_for: Any) -> None:
    page = page_for()
    sign_in(page, server.base, email("boss"))
    page.wait_for_url(f"{server.base}/account/security")
    page.click("text=Admin console")
    page.click("text=Beta")
    page.fill("input[name=session_limit]", "3")
    page.click("text=Save settings")
    assert "The settings have been saved." in page.locator(".notice").inner_text()
    page.reload()
    assert page.locator("input[name=session_limit]").input_value() == "3"

    async def stored() -> int:
        runtime = build_runtime(server.settings, migrate=False)
        try:
            return (await runtime.directory.org("beta")).settings.session_limit
        finally:
            runtime.close()

    assert run_async(stored()) == 3


def test_help_from_an_error_page(server: Server, page_for: Any) -> None:
    page = page_for()
    sign_in(page, server.base, email("help"), password="not the password")
    assert "Incorrect password." in page.locator(".alert").inner_text()
    page.click("a.help-link")
    page.wait_for_url(f"{server.base}/help/errors/INVALID_CREDENTIALS")
    assert page.locator("h1").inner_text() == "Incorrect password"
    assert page.locator("ol.steps li").count() >= 1

    sign_in(page, server.base, email("help"), password="still not the password")
    page.click("a.problem-link")
    page.wait_for_url(f"{server.base}/help")
    assert page.locator("h1").inner_text() == "Troubleshooting sign-in problems"
    page.click("text=Incorrect password")
    page.wait_for_url(f"{server.base}/help/errors/INVALID_CREDENTIALS")
