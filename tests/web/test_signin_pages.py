"""The sign-in pages: identifier, password, errors with their help topics, the concurrent
session limit, expiry, next, CSRF and signing out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.edge import cookies
from monban.runtime import Runtime

from .conftest import PASSWORD, BrowserFactory, hidden, page_links, page_text, signed_in


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["サインイン", "サインインしたままにする", "サインインできない場合"]),
    ("en", ["Sign in", "Keep me signed in", "Problem signing in?"]),
])
async def test_signin_page_renders_in_both_languages(browser_for: BrowserFactory, lang: str,
                                                     words: list[str]) -> None:
    page = await browser_for(lang=lang).get("/signin")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    text = page_text(page.text)
    for word in words:
        assert word in text
    assert "/help" in page_links(page.text)
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


async def test_lang_parameter_wins_and_is_remembered(browser_for: BrowserFactory) -> None:
    browser = browser_for(lang="en")
    page = await browser.get("/signin?lang=ja")
    assert '<html lang="ja">' in page.text
    assert browser.client.cookies.get(cookies.LANGUAGE) == "ja"
    again = await browser.get("/help")
    assert '<html lang="ja">' in again.text
    assert "/help?lang=en" in page_links(again.text)


async def test_home_redirects(browser_for: BrowserFactory, member: Account) -> None:
    browser = browser_for()
    assert (await browser.get("/")).headers["location"] == "/signin"
    await browser.sign_in(member.label)
    assert (await browser.get("/")).headers["location"] == "/account/security"


async def test_sign_in_through_the_forms(browser_for: BrowserFactory, member: Account) -> None:
    browser = browser_for()
    answer = await browser.sign_in(member.label)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/account/security"
    set_cookie = answer.headers["set-cookie"]
    assert set_cookie.startswith(f"{cookies.SESSION}=") and "httponly" in set_cookie.lower()
    assert "max-age" not in set_cookie.lower()  # gone when the browser closes
    page = await browser.get("/account/security")
    assert page.status_code == 200
    assert "This session" in page_text(page.text)


async def test_keep_me_signed_in_makes_a_persistent_cookie(browser_for: BrowserFactory,
                                                          member: Account) -> None:
    answer = await browser_for().sign_in(member.label, keep=True)
    assert answer.status_code == 303
    assert "max-age=" in answer.headers["set-cookie"].lower()


async def test_form_without_csrf_is_refused(browser_for: BrowserFactory,
                                            member: Account) -> None:
    browser = browser_for(lang="ja")
    await browser.get("/signin")
    refused = await browser.post("/signin", {"identifier": member.label}, csrf=False)
    assert refused.status_code == 403
    assert "フォームの有効期限が切れたか、不正な送信です。" in page_text(refused.text)
    assert "/help/errors/CSRF_CHECK_FAILED" in page_links(refused.text)
    forged = await browser.client.post("/signin", data={"identifier": member.label,
                                                        "csrf": "x" * 43})
    assert forged.status_code == 403


async def test_unknown_account(browser_for: BrowserFactory, org: Org) -> None:
    page = await browser_for(lang="en").post("/signin", {"identifier": "nobody@acme.example"})
    assert page.status_code == 404
    text = page_text(page.text)
    assert "This account cannot be found." in text and "Problem signing in?" in text
    assert 'value="nobody@acme.example"' in page.text
    assert "/help/errors/ACCOUNT_NOT_FOUND" in page_links(page.text)


async def test_wrong_password_keeps_the_flow(browser_for: BrowserFactory,
                                             member: Account) -> None:
    browser = browser_for(lang="ja")
    answer = await browser.sign_in(member.label, "wrong password")
    assert answer.status_code == 401
    text = page_text(answer.text)
    assert "パスワードが正しくありません。" in text and "サインインできない場合" in text
    assert "/help/errors/INVALID_CREDENTIALS" in page_links(answer.text)
    retry = await browser.post("/signin/password", {"flow": hidden(answer.text, "flow"),
                                                    "password": PASSWORD})
    assert retry.status_code == 303


async def test_ip_not_allowed_shows_the_seed_page_message(
        browser_for: BrowserFactory, runtime: Runtime, org: Org, member: Account) -> None:
    await runtime.directory.add_ip_rule("org", org.id, "10.0.0.0/8", "Office")
    answer = await browser_for(ip="198.51.100.7", lang="ja").sign_in(member.label)
    assert answer.status_code == 403
    text = page_text(answer.text)
    assert "このIPアドレスからのサインインは許可されていません。" in text
    assert "/help/errors/IP_NOT_ALLOWED" in page_links(answer.text)
    assert "サインインできない場合" in text


async def test_concurrent_session_limit_then_end_other_sessions(
        browser_for: BrowserFactory, runtime: Runtime, org: Org, member: Account) -> None:
    await runtime.directory.update_settings(org, {"session_limit": 1})
    first = await signed_in(browser_for, member, ip="203.0.113.9")
    second = browser_for(ip="198.51.100.7", lang="ja")
    limited = await second.sign_in(member.label)
    assert limited.status_code == 409
    text = page_text(limited.text)
    assert "同時セッション数の上限に達しました。" in text
    assert "203.0.113.9" in text and "python-httpx" in text
    assert "他のセッションを終了して続行" in text
    assert "/help/errors/CONCURRENT_SESSION_LIMIT" in page_links(limited.text)
    again = await second.get(f"/signin/password?flow={hidden(limited.text, 'flow')}")
    assert again.status_code == 409 and "他のセッションを終了して続行" in page_text(again.text)
    done = await second.post("/signin/end-other-sessions",
                             {"flow": hidden(limited.text, "flow")})
    assert done.status_code == 303 and second.session_cookie()
    assert (await second.get("/account/security")).status_code == 200
    assert (await first.get("/account/security")).status_code == 303


async def test_expired_flow_starts_again(browser_for: BrowserFactory, clock: FrozenClock,
                                         member: Account) -> None:
    browser = browser_for(lang="en")
    started = await browser.post("/signin", {"identifier": member.label})
    clock.advance(timedelta(hours=1))
    page = await browser.get(started.headers["location"])
    assert page.status_code == 410
    text = page_text(page.text)
    assert "This sign-in attempt has expired. Please start again." in text
    assert 'action="/signin"' in page.text


@pytest.mark.parametrize(("next_url", "expected"), [
    ("/admin", "/admin"),
    ("https://evil.example/", "/account/security"),
    ("//evil.example/", "/account/security"),
    ("/\\evil.example", "/account/security"),
])
async def test_next_is_local_only(browser_for: BrowserFactory, member: Account,
                                  next_url: str, expected: str) -> None:
    answer = await browser_for().sign_in(member.label, next_url=next_url)
    assert answer.headers["location"] == expected


async def test_signed_out_pages_send_to_signin_with_next(browser_for: BrowserFactory) -> None:
    answer = await browser_for().get("/account/security")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=%2Faccount%2Fsecurity"
    page = await browser_for().get("/signin?next=%2Fadmin")
    assert hidden(page.text, "next") == "/admin"


async def test_sign_out(browser_for: BrowserFactory, member: Account) -> None:
    browser = await signed_in(browser_for, member)
    token = browser.session_cookie()
    answer = await browser.post("/signout")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/signin")
    page = await browser.get(answer.headers["location"])
    assert "You have signed out." in page_text(page.text)
    browser.client.cookies.set(cookies.SESSION, token or "")
    expired = await browser.get("/account/security")
    assert expired.headers["location"].endswith("expired=1")
    notice = await browser.get(expired.headers["location"])
    assert "Your session has expired. Please sign in again." in page_text(notice.text)


async def test_disabled_account_message(browser_for: BrowserFactory, runtime: Runtime,
                                        member: Account) -> None:
    await runtime.directory.update_account(member, disabled=True)
    answer = await browser_for(lang="en").sign_in(member.label)
    assert answer.status_code == 403
    assert "This account has been deactivated." in page_text(answer.text)
