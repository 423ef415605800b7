"""The "Set a new password" page of the HTML sign-in (PASSWORD_EXPIRED), and the policy's
sentences and hints on the security page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.runtime import Runtime
from monban.store import accounts
from tests.conftest import PASSWORD, Updater
from tests.web.conftest import Browser, BrowserFactory, hidden, page_text, signed_in

NEW = "tulip kite barn owl"


async def to_new_password_page(browser: Browser, account: Account,
                               next_url: str | None = None) -> str:
    answer = await browser.sign_in(account.label, next_url=next_url)
    assert answer.status_code == 303, page_text(answer.text)
    location = answer.headers["location"]
    assert location.startswith("/signin/new-password?")
    assert browser.session_cookie() is None
    return location


async def test_expired_password_is_replaced_then_signed_in(
        browser_for: BrowserFactory, member: Account, set_org: Updater,
        clock: FrozenClock) -> None:
    await set_org(password_max_age_days=90, password_classes=["digit"])
    clock.advance(timedelta(days=91))
    browser = browser_for()
    location = await to_new_password_page(browser, member, next_url="/account/security#x")
    page = await browser.get(location)
    assert page.status_code == 200
    text = page_text(page.text)
    assert "Set a new password" in text
    assert "Your password has expired. Set a new password." in text
    assert "Your organization asks for a new password every 90 days." in text
    assert "so it needs at least 15 characters." in text  # the hints for this account
    assert "Include at least one of each: digit." in text
    form = {"flow": hidden(page.text, "flow"), "next": hidden(page.text, "next")}

    mismatch = await browser.post("/signin/new-password",
                                  {**form, "password": NEW + " 1", "confirm": NEW + " 2"})
    assert mismatch.status_code == 400
    assert "The two passwords do not match." in page_text(mismatch.text)

    weak = await browser.post("/signin/new-password",
                              {**form, "password": NEW, "confirm": NEW})
    assert weak.status_code == 400
    text = page_text(weak.text)
    assert "The password does not meet your organization's policy." in text
    assert "Include at least one of each: digit." in text

    done = await browser.post("/signin/new-password",
                              {**form, "password": NEW + " 1", "confirm": NEW + " 1"})
    assert done.status_code == 303, page_text(done.text)
    assert done.headers["location"] == "/account/security#x"
    assert browser.session_cookie()
    assert (await browser.get("/account/security")).status_code == 200
    again = await browser_for().sign_in(member.label, NEW + " 1")
    assert again.status_code == 303 and again.headers["location"] == "/account/security"


async def test_must_change_in_japanese(browser_for: BrowserFactory, member: Account,
                                       runtime: Runtime) -> None:
    await runtime.db.run(accounts.update_fields, member.id, must_change_password=True)
    browser = browser_for(lang="ja")
    location = await to_new_password_page(browser, member)
    flow_id = parse_qs(urlparse(location).query)["flow"][0]
    # the password page of the same flow leads here too
    back = await browser.get(f"/signin/password?flow={flow_id}")
    assert back.status_code == 303 and back.headers["location"].startswith(
        "/signin/new-password?")
    page = await browser.get(location)
    text = page_text(page.text)
    assert "新しいパスワードを設定" in text
    assert "管理者がパスワードをリセットしました。" in text
    common = await browser.post("/signin/new-password", {
        "flow": flow_id, "next": hidden(page.text, "next"),
        "password": "Password12345678!", "confirm": "Password12345678!"})
    text = page_text(common.text)
    assert "パスワードが組織のポリシーを満たしていません。" in text
    assert "このパスワードはよく使われているか、過去に流出したことがあります。" in text
    same = await browser.post("/signin/new-password", {
        "flow": flow_id, "next": "/account/security", "password": PASSWORD,
        "confirm": PASSWORD})
    assert "現在のパスワードとは異なるパスワードを設定してください。" in page_text(same.text)
    done = await browser.post("/signin/new-password", {
        "flow": flow_id, "next": "/account/security", "password": NEW, "confirm": NEW})
    assert done.status_code == 303 and browser.session_cookie()
    assert not (await runtime.directory.account(member.id)).must_change_password
    gone = await browser_for().get(location)
    assert "This sign-in attempt has expired." in page_text(gone.text)


async def test_security_page_hints_and_rule_sentence(browser_for: BrowserFactory,
                                                    member: Account) -> None:
    browser = await signed_in(browser_for, member)
    page = page_text((await browser.get("/account/security")).text)
    assert "so it needs at least 15 characters." in page
    assert "Common passwords, and passwords made from your name" in page
    refused = await browser.post("/account/password", {"current_password": PASSWORD,
                                                       "new_password": "hanako 1234567890"})
    assert refused.status_code == 400
    assert ("Don't build your password from your name, email address or username."
            in page_text(refused.text))
