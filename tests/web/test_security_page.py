"""/account/security: profile and language, sessions, allowed IP addresses, password change,
recent activity."""

from __future__ import annotations

import re

import pytest

from monban.accounts.model import Account
from monban.runtime import Runtime

from .conftest import PASSWORD, BrowserFactory, page_text, signed_in


def session_ids(html: str) -> list[str]:
    return re.findall(r'name="session" value="([0-9a-f]+)"', html)


@pytest.mark.parametrize(("language", "words"), [
    ("ja", ["セキュリティ", "セッション", "このセッション", "許可するIPアドレス",
            "パスワードを変更", "最近のサインイン履歴", "組織", "メンバー"]),
    ("en", ["Security", "Sessions", "This session", "Allowed IP addresses", "Change password",
            "Recent sign-in activity", "Organization", "Member"]),
])
async def test_renders_in_the_account_language(browser_for: BrowserFactory, runtime: Runtime,
                                               member: Account, language: str,
                                               words: list[str]) -> None:
    await runtime.directory.update_account(member, language=language)
    other = "en" if language == "ja" else "ja"
    browser = await signed_in(browser_for, member, lang=other)
    page = await browser.get("/account/security")
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    text = page_text(page.text)
    for word in words:
        assert word in text
    assert "hanako@acme.example" in text and "Acme" in text
    assert page.headers["cache-control"] == "no-store"


async def test_change_language(browser_for: BrowserFactory, runtime: Runtime,
                               member: Account) -> None:
    browser = await signed_in(browser_for, member)
    answer = await browser.post("/account/language", {"language": "ja",
                                                      "next": "/help?x=1"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/help?x=1&notice=language_saved"
    assert (await runtime.directory.account(member.id)).language == "ja"
    page = await browser.get("/account/security?lang=en")  # the account's choice wins
    assert '<html lang="ja">' in page.text


async def test_allowed_ips(browser_for: BrowserFactory, runtime: Runtime,
                           member: Account) -> None:
    browser = await signed_in(browser_for, member, ip="198.51.100.7")
    page = await browser.get("/account/security")
    assert "Add my current IP (198.51.100.7)" in page_text(page.text)
    added = await browser.post("/account/allowed-ips/add-current", {"name": "Home"})
    assert added.status_code == 303
    assert (await browser.post("/account/allowed-ips/add",
                               {"cidr": "2001:db8::/32", "name": "V6"})).status_code == 303
    rules = await runtime.directory.ip_rules("account", member.id)
    assert [(r.cidr, r.name) for r in rules] == [("198.51.100.7/32", "Home"),
                                                 ("2001:db8::/32", "V6")]
    page = await browser.get("/account/security?notice=ip_added")
    text = page_text(page.text)
    assert "198.51.100.7/32" in text and "The IP address has been added." in text
    bad = await browser.post("/account/allowed-ips/add", {"cidr": "not an ip", "name": "x"})
    assert bad.status_code == 400
    assert "The IP address or CIDR range is not valid." in page_text(bad.text)
    removed = await browser.post("/account/allowed-ips/remove", {"rule": rules[1].id})
    assert removed.status_code == 303
    assert len(await runtime.directory.ip_rules("account", member.id)) == 1


async def test_end_another_session_and_all_others(browser_for: BrowserFactory,
                                                  member: Account) -> None:
    first = await signed_in(browser_for, member, ip="198.51.100.7")
    second = await signed_in(browser_for, member, ip="203.0.113.20")
    third = await signed_in(browser_for, member, ip="203.0.113.30")
    page = await first.get("/account/security")
    text = page_text(page.text)
    assert "203.0.113.20" in text and "This session" in text
    ids = session_ids(page.text)
    assert len(ids) == 2  # the current session has no End button
    ended = await first.post("/account/sessions/end", {"session": ids[0]})
    assert ended.status_code == 303
    statuses = {(await b.get("/account/security")).status_code for b in (second, third)}
    assert statuses == {200, 303}
    assert (await first.post("/account/sessions/end-others")).status_code == 303
    assert (await second.get("/account/security")).status_code == 303
    assert (await third.get("/account/security")).status_code == 303
    assert (await first.get("/account/security")).status_code == 200
    missing = await first.post("/account/sessions/end", {"session": "0" * 64})
    assert missing.status_code == 404


async def test_change_password(browser_for: BrowserFactory, member: Account) -> None:
    browser = await signed_in(browser_for, member)
    other = await signed_in(browser_for, member, ip="203.0.113.20")
    wrong = await browser.post("/account/password", {"current_password": "nope",
                                                     "new_password": "a new password"})
    assert wrong.status_code == 401 and "Incorrect password." in page_text(wrong.text)
    short = await browser.post("/account/password", {"current_password": PASSWORD,
                                                      "new_password": "short"})
    assert short.status_code == 400
    text = page_text(short.text)
    assert "The password does not meet your organization's policy." in text
    assert "so it needs at least 15 characters." in text  # the password is its only factor
    changed = await browser.post("/account/password", {"current_password": PASSWORD,
                                                       "new_password": "a new password 2"})
    assert changed.status_code == 303
    assert (await browser.get("/account/security")).status_code == 200
    assert (await other.get("/account/security")).status_code == 303
    again = await browser_for().sign_in(member.label, "a new password 2")
    assert again.status_code == 303


async def test_recent_activity_shows_failures_with_their_message(
        browser_for: BrowserFactory, member: Account) -> None:
    await browser_for().sign_in(member.label, "wrong password")
    browser = await signed_in(browser_for, member)
    page = await browser.get("/account/security")
    text = page_text(page.text)
    assert "Sign-in attempt" in text and "Failed" in text and "Incorrect password." in text
    assert 'href="/help/errors/INVALID_CREDENTIALS"' in page.text
    assert "Signed in" in text
