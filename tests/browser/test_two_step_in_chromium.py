"""Two-step verification in a real browser: a security key on Chromium's virtual authenticator,
an authenticator app set up from the QR page, and "Trust this browser" across a restart."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyotp
import pytest

from .conftest import ACCOUNTS, Server, relaunch, sign_in

pytestmark = pytest.mark.browser

AUTHENTICATOR = {"protocol": "ctap2", "transport": "usb", "hasResidentKey": True,
                 "hasUserVerification": True, "isUserVerified": True}


def email(name: str) -> str:
    return ACCOUNTS[name][1]


def next_step_code(secret: str) -> str:
    """The code of the next 30-second step: accepted (one step of drift), and not the one
    already spent confirming the app."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def add_authenticator_app(page: Any, base: str, add_label: str) -> str:
    """From the security page: the QR page, its setup key, the first code. The key."""
    page.click(f"#two-step a.choice:has-text('{add_label}')")
    page.click("button[type=submit].primary")
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/account/security?notice=factor_added#two-step")
    return secret


def sign_out(page: Any) -> None:
    page.click("nav form[action='/signout'] button")
    page.wait_for_url("**/signin?notice=signed_out")


def test_security_key_enrol_and_sign_in(server: Server, chromium: Any) -> None:
    context = chromium.new_context(locale="en-US")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
        sign_in(page, server.base, email("key"))
        page.wait_for_url(f"{server.base}/account/security")
        page.click("#two-step a.choice:has-text('Security key')")
        page.fill("#name", "Virtual key")
        page.screenshot(path="/tmp/mfa-add-key.png", full_page=True)
        page.click("button:has-text('Add security key')")
        page.wait_for_url(f"{server.base}/account/security?notice=factor_added#two-step")
        assert "Virtual key" in page.locator("#two-step").inner_text()
        sign_out(page)

        sign_in(page, server.base, email("key"))
        page.wait_for_url("**/signin/mfa?**")
        page.screenshot(path="/tmp/mfa-key.png", full_page=True)
        page.click("button:has-text('Use your security key')")
        page.wait_for_url(f"{server.base}/account/security")
        assert "This session" in page.locator("#sessions").inner_text()
        page.screenshot(path="/tmp/mfa-security.png", full_page=True)
    finally:
        context.close()


def test_authenticator_app_from_the_qr_page(server: Server, page_for: Any) -> None:
    page = page_for(locale="ja-JP")
    sign_in(page, server.base, email("totp"))
    page.wait_for_url(f"{server.base}/account/security")
    page.click("#two-step a.choice:has-text('認証アプリ')")
    page.click("button[type=submit].primary")
    page.screenshot(path="/tmp/mfa-qr.png", full_page=True)
    secret = page.locator("#secret").inner_text().strip()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server.base}/account/security?notice=factor_added#two-step")
    sign_out(page)

    sign_in(page, server.base, email("totp"))
    page.wait_for_url("**/signin/mfa?**")
    assert page.locator("h1").inner_text() == "2段階認証"
    page.fill("#code", "000000")
    page.click("button[type=submit].primary")
    alert = page.locator(".alert")
    assert "ワンタイムパスワードが正しくありません。" in alert.inner_text()
    assert "日付と時刻" in alert.locator("ol.steps").inner_text()
    page.screenshot(path="/tmp/mfa-wrong-code.png", full_page=True)
    page.fill("#code", next_step_code(secret))
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server.base}/account/security")


def test_trusted_browser_skips_the_second_step(server: Server, playwright: Any,
                                               tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    context = relaunch(playwright, profile)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page, server.base, email("trust"))
        page.wait_for_url(f"{server.base}/account/security")
        secret = add_authenticator_app(page, server.base, "Authenticator app")
        sign_out(page)
        sign_in(page, server.base, email("trust"))
        page.wait_for_url("**/signin/mfa?**")
        page.fill("#code", next_step_code(secret))
        page.check("input[name=trust_browser]")
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{server.base}/account/security")
        assert "Trusted browsers" in page.locator("#two-step").inner_text()
        sign_out(page)
    finally:
        context.close()

    context = relaunch(playwright, profile)  # the same profile, after a restart
    try:
        page = context.pages[0] if context.pages else context.new_page()
        sign_in(page, server.base, email("trust"))
        page.wait_for_url(f"{server.base}/account/security")
        assert page.locator("#two-step tr", has_text="Chrome").count() == 1
    finally:
        context.close()


def test_backup_codes_download_as_text(server: Server, page_for: Any) -> None:
    """The codes page offers them as a data: URL download, which the strict CSP allows."""
    page = page_for()
    sign_in(page, server.base, email("codes"))
    page.wait_for_url(f"{server.base}/account/security")
    page.click("#two-step a.choice:has-text('Backup verification codes')")
    page.click("button[type=submit].primary")
    shown = page.locator("#backup-codes").inner_text().split()
    assert len(shown) == 5
    with page.expect_download() as info:
        page.click("text=Download as text")
    download = info.value
    assert download.suggested_filename == "monban-backup-codes.txt"
    text = Path(download.path()).read_text()
    assert all(code in text for code in shown)
