"""The Monban Authenticator pages without a browser engine: the security page's card, linking
from the two-step add pages, removing a device, the push step of signing in (the number),
QR sign-in's page, and the admin console (QR switch, minimum version, lifting a member's
restriction: support may, a member may not)."""

from __future__ import annotations

import re

import httpx

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.devices import signature
from monban.runtime import Runtime
from monban.store.audit import AuditQuery
from tests.devices import AppDevice

from .conftest import Browser, BrowserFactory, hidden, page_text, signed_in


async def _link_from_pages(browser_for: BrowserFactory, member: Account, clock: FrozenClock,
                           app_client: httpx.AsyncClient) -> tuple[AppDevice, Browser]:
    browser = await signed_in(browser_for, member)
    start = await browser.get("/account/two-step/add/push")
    assert start.status_code == 200 and "another device" in page_text(start.text)
    shown = await browser.post("/account/two-step/add/push", {"name": "Laptop"})
    assert shown.status_code == 200, page_text(shown.text)
    code = re.search(r"data-link-code>([A-Z0-9-]+)<", shown.text)
    assert code is not None and "<svg" in shown.text
    enrollment = hidden(shown.text, "enrollment")
    early = await browser.post("/account/two-step/add/push/confirm", {"enrollment": enrollment})
    assert "INVALID_REQUEST" in early.text  # not linked yet: the same page, with the error
    device = AppDevice(app_client, clock)
    linked = await app_client.post("/api/v1/authenticator/devices", json={
        "code": code.group(1), "public_key": signature.public_key_text(device.key),
        "name": "laptop", "platform": "test"}, headers={signature.VERSION: "0.1.0"})
    assert linked.status_code == 201, linked.text
    device.device_id = linked.json()["device"]["id"]
    done = await browser.post("/account/two-step/add/push/confirm", {"enrollment": enrollment})
    assert done.status_code == 303 and "factor_added" in done.headers["location"]
    return device, browser


async def test_link_from_the_two_step_card_and_see_it_on_the_security_page(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock,
        client: httpx.AsyncClient) -> None:
    device, browser = await _link_from_pages(browser_for, member, clock, client)
    security = await browser.get("/account/security")
    card = page_text(security.text)
    assert "OneAuth" in card and "laptop" in card
    listed = await browser.get("/account/authenticator")
    assert f'data-device="{device.device_id}"' in listed.text
    removed = await browser.post(
        f"/account/authenticator/devices/{device.device_id}/remove", {})
    assert removed.status_code == 303
    after = await browser.get("/account/authenticator")
    assert device.device_id not in after.text


async def test_the_security_card_in_japanese(browser_for: BrowserFactory, member: Account,
                                             runtime: Runtime) -> None:
    await runtime.directory.update_account(member, language="ja")
    browser = await signed_in(browser_for, member, lang="ja")
    page = await browser.get("/account/security")
    assert "登録済みのデバイスはまだありません。" in page_text(page.text)
    linking = await browser.post("/account/authenticator/link", {"name": ""})
    assert "このコードは10分間、1回だけ使えます。" in page_text(linking.text)


async def test_the_push_step_shows_the_number(browser_for: BrowserFactory, member: Account,
                                              clock: FrozenClock,
                                              client: httpx.AsyncClient) -> None:
    await _link_from_pages(browser_for, member, clock, client)
    browser = browser_for()
    answer = await browser.sign_in(member.label)
    page = await browser.get(answer.headers["location"])
    number = re.search(r"data-push-number>(\d\d)<", page.text)
    assert number is not None, page_text(page.text)
    assert "data-push-status=" in page.text and "/static/authenticator.js" in page.text
    assert "Sign in another way" in page_text(page.text)  # the app's codes, for one


async def test_qr_page(browser_for: BrowserFactory) -> None:
    browser = browser_for()
    page = await browser.get("/signin/qr")
    assert page.status_code == 200 and "<svg" in page.text
    assert "monban-authenticator://signin?" in page.text
    status = await browser.post("/signin/qr/status", {"id": hidden(page.text, "id"),
                                                      "secret": hidden(page.text, "secret")})
    assert status.json() == {"status": "pending"}
    waiting = await browser.post("/signin/qr", {"id": hidden(page.text, "id"),
                                                "secret": hidden(page.text, "secret"),
                                                "next": "/account/security"})
    assert "Not approved yet" in page_text(waiting.text)
    signin = await browser.get("/signin")
    assert "/signin/qr" in signin.text


async def test_admin_sets_qr_and_minimum_version(browser_for: BrowserFactory, admin: Account,
                                                  runtime: Runtime, org: Org) -> None:
    browser = await signed_in(browser_for, admin)
    saved = await browser.post(f"/admin/orgs/{org.slug}/authenticator", {
        "qr_signin_allowed": "1", "authenticator_min_version": "1.2"})
    assert saved.status_code == 303, page_text(saved.text)
    settings = (await runtime.directory.org(org.slug)).settings
    assert settings.qr_signin_allowed and settings.authenticator_min_version == "1.2"
    bad = await browser.post(f"/admin/orgs/{org.slug}/authenticator",
                             {"authenticator_min_version": "one"})
    assert bad.status_code == 400


async def test_support_lifts_a_members_restriction(
        browser_for: BrowserFactory, member: Account, support: Account, org: Org,
        runtime: Runtime) -> None:
    await runtime.authenticator.set_restriction(member, True, member.id, "198.51.100.7")
    path = f"/admin/orgs/{org.slug}/members/{member.id}"
    staff = await signed_in(browser_for, support)
    page = await staff.get(path)
    assert "Turn sign-in restriction off" in page_text(page.text)
    lifted = await staff.post(path + "/signin-restriction/off", {})
    assert lifted.status_code == 303
    assert not await runtime.authenticator.restricted(member.id)
    events = await runtime.directory.audit(AuditQuery(account_id=member.id, limit=5))
    off = next(e for e in events if e.event == "signin_restriction.off")
    assert off.actor_id == support.id


async def test_a_member_cannot_lift_anothers_restriction(
        browser_for: BrowserFactory, member: Account, admin: Account, org: Org,
        runtime: Runtime) -> None:
    await runtime.authenticator.set_restriction(admin, True, admin.id, "198.51.100.7")
    browser = await signed_in(browser_for, member)
    refused = await browser.post(f"/admin/orgs/{org.slug}/members/{admin.id}"
                                 "/signin-restriction/off", {})
    assert refused.status_code == 403
    assert await runtime.authenticator.restricted(admin.id)
