"""The passwordless pages: from the password page, a code instead; then signed in (or the
second step); the org's refusal shown on the password page."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from monban.accounts.model import Account
from monban.runtime import Runtime
from tests.conftest import Updater
from tests.web.conftest import Browser, BrowserFactory, hidden, page_text


async def _to_password_page(browser: Browser, identifier: str) -> str:
    started = await browser.post("/signin", {"identifier": identifier})
    page = await browser.get(started.headers["location"])
    assert "Sign in with a one-time code instead" in page_text(page.text)
    return hidden(page.text, "flow")


async def test_sign_in_with_a_code_by_email(browser_for: BrowserFactory, member: Account,
                                            runtime: Runtime) -> None:
    browser = browser_for(lang="en")
    flow_id = await _to_password_page(browser, member.email or "")
    sent = await browser.post("/signin/code", {"flow": flow_id, "next": "/account/security"})
    assert sent.status_code == 303
    assert parse_qs(urlparse(sent.headers["location"]).query)["flow"] == [flow_id]
    page = await browser.get(sent.headers["location"])
    assert "We sent a 6-digit code by email to h•••@acme.example." in page_text(page.text)
    message = (await runtime.outbox.latest(1, target=member.email))[0]
    code = re.search(r"\b(\d{6})\b", message.body)
    assert code
    wrong = await browser.post("/signin/code/verify", {"flow": flow_id, "code": "000000"})
    assert wrong.status_code == 401 and "Incorrect verification code." in page_text(wrong.text)
    done = await browser.post("/signin/code/verify", {"flow": flow_id, "code": code.group(1),
                                                      "next": "/account/security"})
    assert done.status_code == 303 and done.headers["location"] == "/account/security"
    assert browser.session_cookie()


async def test_the_org_said_no(browser_for: BrowserFactory, member: Account,
                               set_org: Updater) -> None:
    await set_org(passwordless_allowed=False)
    browser = browser_for(lang="ja")
    started = await browser.post("/signin", {"identifier": member.email or ""})
    page = await browser.get(started.headers["location"])
    flow_id = hidden(page.text, "flow")
    refused = await browser.post("/signin/code", {"flow": flow_id})
    assert refused.status_code == 403
    assert "この方法でのサインインは許可されていません。" in page_text(refused.text)
