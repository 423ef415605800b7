"""In Debian's Chromium against a real server: a sign-in the org's allowed-IP list blocks, then
"Problem signing in?" starts from that error and leads to its topic; an administrator opens the
diagnosis, which names the list and the address, and takes its "add this IP" fix; the topic's
own action then works for the person."""

from __future__ import annotations

from typing import Any

import pytest

from monban.accounts.model import Role
from monban.runtime import build_runtime

from .conftest import PASSWORD, Server, run_async, sign_in

pytestmark = pytest.mark.browser

GUEST = "guest@gate.example"
ROOT = "root@gate.example"


async def _seed(server: Server) -> None:
    runtime = build_runtime(server.settings, migrate=False)
    try:
        directory = runtime.directory
        org = await directory.create_org("Gate", "gate")
        await directory.add_ip_rule("org", org.id, "10.0.0.0/8", "Office")
        await directory.create_account(display_name="Guest", email=GUEST, password=PASSWORD,
                                       org=org, role=Role.MEMBER, language="en",
                                       timezone="UTC")
        await directory.create_account(display_name="Root", email=ROOT, password=PASSWORD,
                                       superadmin=True, language="en", timezone="UTC")
    finally:
        runtime.close()


def test_blocked_sign_in_to_the_topic_to_the_fix(server: Server, page_for: Any) -> None:
    run_async(_seed(server))
    base = server.base
    page = page_for()
    sign_in(page, base, GUEST)
    alert = page.locator(".alert")
    assert "Sign-in from this IP address is not allowed." in alert.inner_text()

    page.click("a.problem-link")
    page.wait_for_url(f"{base}/help")
    assert page.locator(".last-error").get_attribute("data-code") == "IP_NOT_ALLOWED"
    page.click("text=Not sure? Answer a few questions")
    page.wait_for_url(f"{base}/troubleshoot")
    assert "Sign-in from this IP address is not allowed." in page.locator(".alert").inner_text()
    page.screenshot(path="/tmp/troubleshoot.png", full_page=True)
    page.click("text=That's my problem: show me how to fix it")
    page.wait_for_url(f"{base}/help/errors/IP_NOT_ALLOWED")
    assert page.locator("h1").inner_text() == "Sign-in from this IP address is not allowed"
    actions = page.locator("ul.actions")
    assert "Manage your allowed IP addresses" in actions.inner_text()

    admin = page_for()
    sign_in(admin, base, ROOT)
    admin.wait_for_url(f"{base}/account/security")
    admin.goto(f"{base}/admin/orgs/gate/diagnose")
    admin.fill("input[name=account]", GUEST)
    admin.click("button[type=submit].primary")
    diagnosis = admin.locator("details.diagnosis[data-code=IP_NOT_ALLOWED]").first
    assert ("127.0.0.1 is not in the organization's allowed list: 'Office' 10.0.0.0/8."
            in diagnosis.inner_text())
    admin.screenshot(path="/tmp/diagnose.png", full_page=True)
    diagnosis.locator("button", has_text="Add 127.0.0.1 to the organization's allowed list"
                      ).click()
    assert "The fix has been applied." in admin.locator(".notice").inner_text()
    assert "Now: 127.0.0.1 would be allowed." in admin.locator(
        "details.diagnosis[data-code=IP_NOT_ALLOWED]").first.inner_text()

    page.click("text=Manage your allowed IP addresses")  # the topic's action, signed out
    page.wait_for_url(f"{base}/signin?next=%2Faccount%2Fsecurity*")
    page.fill("#identifier", GUEST)
    page.click("button[type=submit].primary")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/account/security*")
    assert "Allowed IP addresses" in page.locator("#allowed-ips").inner_text()
    page.goto(f"{base}/troubleshoot")  # signed in: the failure is behind this browser
    assert page.locator(".alert").count() == 0
