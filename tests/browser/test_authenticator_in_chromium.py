"""Monban Authenticator in a real browser, with the real app as a process: link it from the
two-step card (QR page, enrolment code), then the sign-in page shows the number and completes
by itself when the app approves; and QR sign-in completes when the app scans the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from monban.runtime import build_runtime
from tests.authenticator import run_app, start_app

from .conftest import PASSWORD, Server, run_async, sign_in

pytestmark = pytest.mark.browser

EMAIL = "push@acme.example"


async def _account(server: Server, **org_changes: Any) -> None:
    runtime = build_runtime(server.settings, migrate=False)
    try:
        org = await runtime.directory.org("acme")
        if org_changes:
            await runtime.directory.update_settings(org, org_changes)
            org = await runtime.directory.org("acme")
        await runtime.directory.create_account(display_name="Push", email=EMAIL,
                                               password=PASSWORD, org=org, language="en")
    finally:
        runtime.close()


def test_link_the_app_then_approve_a_sign_in_and_scan_a_qr_code(
        server: Server, page_for: Any, tmp_path: Path) -> None:
    run_async(_account(server, qr_signin_allowed=True))
    home = tmp_path / "app-home"
    page = page_for()
    sign_in(page, server.base, EMAIL)
    page.wait_for_url(f"{server.base}/account/security")
    assert page.locator("#authenticator").count() == 1
    page.click("#two-step a.choice:has-text('Push notification')")
    page.fill("#name", "Laptop")
    page.click("button[type=submit].primary")
    command = page.locator("[data-link-command]").inner_text()
    payload = re.search(r"'(monban-authenticator://link\?[^']+)'", command)
    assert payload is not None, command
    assert page.locator(".qr svg").count() == 1
    linked = run_app(home, "link", payload.group(1), "--name", "laptop")
    assert linked.returncode == 0, linked.stderr
    page.click("button:has-text('I have linked the app')")
    page.wait_for_url(f"{server.base}/account/security?notice=factor_added#two-step")
    assert "laptop" in page.locator("#authenticator").inner_text()
    page.click("nav form[action='/signout'] button")
    page.wait_for_url("**/signin?notice=signed_out")

    # Signing in: the page shows the number; the app picks it; the page completes itself.
    listener = start_app(home, "listen", "--once", "--wait", "60")
    sign_in(page, server.base, EMAIL)
    page.wait_for_url("**/signin/mfa?**")
    number = page.locator("[data-push-number]").inner_text().strip()
    assert re.fullmatch(r"\d\d", number), number
    out, err = listener.communicate(f"{number}\n", timeout=60)
    assert "Approved." in out, err
    page.wait_for_url(f"{server.base}/account/security", timeout=15000)
    page.goto(f"{server.base}/account/authenticator")
    assert page.locator("table.devices tr[data-device]").count() == 1

    # QR sign-in in another browser: no password typed.
    other = page_for()
    other.goto(f"{server.base}/signin")
    other.click("a.qr-link")
    other.wait_for_url("**/signin/qr**")
    shown = other.locator("[data-qr-payload]").inner_text()
    qr = re.search(r"'(monban-authenticator://signin\?[^']+)'", shown)
    assert qr is not None, shown
    scanned = run_app(home, "scan", qr.group(1), "--yes")
    assert scanned.returncode == 0, scanned.stderr
    other.wait_for_url(f"{server.base}/account/security", timeout=15000)

    # Remove the device from the page: its factors go with it.
    other.goto(f"{server.base}/account/authenticator")
    other.click("table.devices button:has-text('Remove')")
    other.wait_for_url(f"{server.base}/account/authenticator")
    assert other.locator("table.devices tr[data-device]").count() == 0
    assert "No device is linked yet." in other.locator("#authenticator").inner_text()


async def _admin_and_restricted_member(server: Server) -> str:
    from monban.accounts.model import Role

    runtime = build_runtime(server.settings, migrate=False)
    try:
        org = await runtime.directory.org("acme")
        await runtime.directory.create_account(display_name="Chief", email="chief@acme.example",
                                               password=PASSWORD, org=org, role=Role.ADMIN,
                                               language="en")
        member = await runtime.directory.create_account(
            display_name="Lost", email="lost@acme.example", password=PASSWORD, org=org,
            language="en")
        await runtime.authenticator.set_restriction(member, True, member.id, "192.0.2.1")
        return member.id
    finally:
        runtime.close()


def test_admin_lifts_a_restriction_and_sets_qr_sign_in(server: Server, page_for: Any) -> None:
    member_id = run_async(_admin_and_restricted_member(server))
    page = page_for()
    sign_in(page, server.base, "chief@acme.example")
    page.wait_for_url("**/account/security")
    page.goto(f"{server.base}/admin/orgs/acme")
    box = page.locator("#authenticator input[name=authenticator_min_version]")
    box.fill("0.1.0")
    page.click("#authenticator button[type=submit]")
    page.wait_for_url("**/admin/orgs/acme**#authenticator")
    assert page.locator("#authenticator input[name=authenticator_min_version]").input_value() \
        == "0.1.0"
    page.goto(f"{server.base}/admin/orgs/acme/members/{member_id}")
    page.click("button:has-text('Turn sign-in restriction off')")
    page.wait_for_url(f"**/members/{member_id}#authenticator")
    assert page.locator("text=Turn sign-in restriction off").count() == 0
    other = page_for()
    sign_in(other, server.base, "lost@acme.example")
    other.wait_for_url(f"{server.base}/account/security")
