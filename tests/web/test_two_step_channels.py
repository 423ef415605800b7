"""The second step with codes sent by SMS or email (sent as the page shows, "Resend code"),
and the security-key pages without a browser authenticator (the options endpoints, and a
browser without WebAuthn). Chromium's virtual authenticator is in tests/browser."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import Updater

from .conftest import BrowserFactory, hidden, page_links, page_text, signed_in
from .two_step import answer, latest_code, second_step


async def _sent_code_sign_in(browser_for: BrowserFactory, member: Account,
                             clock: FrozenClock, runtime: Runtime, kind: str,
                             params: dict[str, str], target: str, shown: str) -> None:
    setup = await signed_in(browser_for, member)
    sent = await setup.post(f"/account/two-step/add/{kind}", {"name": "Mine", **params})
    assert sent.status_code == 200 and shown in page_text(sent.text)
    added = await setup.post(f"/account/two-step/add/{kind}/confirm", {
        "enrollment": hidden(sent.text, "enrollment"),
        "code": await latest_code(runtime, target)})
    assert added.status_code == 303
    browser = browser_for()
    page = await second_step(browser, member.label)  # the code is sent as the page shows
    assert shown in page_text(page.text)
    first = await latest_code(runtime, target)
    resend: dict[str, Any] = {n: hidden(page.text, n) for n in ("flow", "next", "factor")}
    soon = await browser.post("/signin/mfa/resend", resend)
    assert "You can ask for another in" in page_text((await browser.get(
        soon.headers["location"])).text)
    clock.advance(timedelta(seconds=31))
    again = await browser.post("/signin/mfa/resend", resend)
    shown_again = await browser.get(again.headers["location"])
    assert "A new code has been sent." in page_text(shown_again.text)
    latest = await latest_code(runtime, target)
    expired = await answer(browser, shown_again, code=first)
    assert expired.status_code == 401
    assert "This verification code has expired." in page_text(expired.text)
    done = await answer(browser, shown_again, code=latest)
    assert done.status_code == 303 and browser.session_cookie()


async def test_sms_code(browser_for: BrowserFactory, member: Account, clock: FrozenClock,
                        runtime: Runtime) -> None:
    pytest.importorskip("monban.factors.sms")
    await _sent_code_sign_in(browser_for, member, clock, runtime, "sms",
                             {"phone": "+81 90 1234 5678"}, "+819012345678",
                             "+81 ••••5678")


async def test_email_code_when_the_org_allows_it(browser_for: BrowserFactory, member: Account,
                                                 clock: FrozenClock, runtime: Runtime,
                                                 set_org: Updater) -> None:
    pytest.importorskip("monban.factors.email_code")
    setup = await signed_in(browser_for, member)
    assert (await setup.get("/account/two-step/add/email")).status_code == 403
    await set_org(allowed_factors=["totp", "sms", "webauthn", "backup_code", "email"])
    await _sent_code_sign_in(browser_for, member, clock, runtime, "email",
                             {"email": "hanako.private@example.com"},
                             "hanako.private@example.com", "h•••@example.com")


async def test_security_key_page_without_webauthn(browser_for: BrowserFactory,
                                                  member: Account, runtime: Runtime) -> None:
    """A key enrolled beforehand; the page loads webauthn.js, its options endpoint answers
    JSON, and a browser without WebAuthn (or scripts) gets BROWSER_NOT_SUPPORTED."""
    pytest.importorskip("monban.factors.webauthn")
    setup = await signed_in(browser_for, member)
    start = await setup.get("/account/two-step/add/webauthn")
    assert start.status_code == 200 and "/static/webauthn.js" in start.text
    assert "script-src 'self'" in start.headers["content-security-policy"]
    options = await setup.post("/account/two-step/add/webauthn/options", {"name": "Key"})
    assert options.status_code == 200
    body = options.json()
    assert body["enrollment"] and body["options"]["rp"]["id"] == "testserver"
    refused = await setup.post("/account/two-step/add/webauthn/confirm", {
        "enrollment": body["enrollment"], "name": "Key",
        "credential": '{"error": "not_supported"}'})
    assert refused.status_code == 400
    text = page_text(refused.text)
    assert "This browser does not support security keys." in text
    assert "Update your browser" in text
    bad_form = await setup.post("/account/two-step/add/webauthn/options", {"csrf": "x"})
    assert bad_form.status_code == 403 and bad_form.json()["error"]["code"] == \
        "CSRF_CHECK_FAILED"


async def test_first_security_key_inside_the_flow(browser_for: BrowserFactory,
                                                  member: Account, set_org: Updater) -> None:
    """The flow's options endpoint answers JSON for webauthn.js; a browser without WebAuthn
    is told so and stays on the enrolment page, without a session."""
    pytest.importorskip("monban.factors.webauthn")
    await set_org(mfa_required=True)
    browser = browser_for()
    choice = await browser.get((await browser.sign_in(member.label)).headers["location"])
    start = await browser.get(next(link for link in page_links(choice.text)
                                   if link.startswith("/signin/mfa/enroll/webauthn")))
    assert "/static/webauthn.js" in start.text and 'data-webauthn="create"' in start.text
    fields = {"flow": hidden(start.text, "flow"), "next": hidden(start.text, "next"),
              "name": "Key"}
    options = await browser.post("/signin/mfa/enroll/webauthn/options", fields)
    assert options.status_code == 200
    assert options.json()["options"]["user"]["name"] == member.label
    refused = await browser.post("/signin/mfa/enroll/webauthn/confirm", {
        **fields, "enrollment": options.json()["enrollment"],
        "credential": '{"error": "NotAllowedError"}'})
    assert refused.status_code == 401
    assert "The security key could not be verified." in page_text(refused.text)
    assert 'data-webauthn="create"' in refused.text and browser.session_cookie() is None
    expired = await browser.post("/signin/mfa/enroll/webauthn/options", {**fields, "flow": "x"})
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "FLOW_EXPIRED"
