"""The admin console: who may see and change what, settings, allowed IPs, members, audit."""

from __future__ import annotations

import re

import pytest

from monban.accounts.model import Account, Org
from monban.runtime import Runtime

from .conftest import PASSWORD, BrowserFactory, page_links, page_text, signed_in

ORG = "/admin/orgs/acme"


def settings_form(**changes: str) -> dict[str, str]:
    form = {"daily_signin_limit": "20", "timezone": "UTC", "lockout_threshold": "8",
            "lockout_window_minutes": "60", "lockout_duration_minutes": "5",
            "lockout_max_minutes": "1440", "account_lockout_threshold": "100",
            "session_limit": "0", "session_lifetime_hours": "336", "session_max_hours": "12",
            "session_idle_minutes": "0"}
    return {**form, **changes}


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["管理コンソール", "サインインの設定", "許可するIPアドレス", "メンバー", "監査ログ",
            "同時セッション数の上限"]),
    ("en", ["Admin console", "Sign-in settings", "Allowed IP addresses", "Members", "Audit log",
            "Concurrent session limit"]),
])
async def test_admin_pages_render_in_both_languages(browser_for: BrowserFactory,
                                                    runtime: Runtime, admin: Account,
                                                    member: Account, lang: str,
                                                    words: list[str]) -> None:
    await runtime.directory.update_account(admin, language=lang)
    browser = await signed_in(browser_for, admin)
    home = await browser.get("/admin")
    assert home.status_code == 200 and ORG in page_links(home.text)
    page = await browser.get(ORG)
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    text = page_text(page.text)
    for word in words:
        assert word in text
    assert member.label in text
    person = await browser.get(f"{ORG}/members/{member.id}")
    assert person.status_code == 200 and member.display_name in page_text(person.text)


async def test_member_cannot_open_the_console(browser_for: BrowserFactory,
                                              member: Account) -> None:
    browser = await signed_in(browser_for, member, lang="ja")
    for url in ("/admin", ORG):
        page = await browser.get(url)
        assert page.status_code == 403
        assert "You don't have permission to do this." in page_text(page.text)
    assert "/admin" not in page_links((await browser.get("/account/security")).text)


async def test_settings_change_persists(browser_for: BrowserFactory, runtime: Runtime,
                                        admin: Account, org: Org) -> None:
    browser = await signed_in(browser_for, admin)
    answer = await browser.post(f"{ORG}/settings", settings_form(
        session_limit="3", timezone="Asia/Tokyo", hide_account_existence="1"))
    assert answer.status_code == 303
    saved = (await runtime.directory.org("acme")).settings
    assert (saved.session_limit, saved.timezone, saved.hide_account_existence) == (
        3, "Asia/Tokyo", True)
    page = await browser.get(answer.headers["location"])
    assert re.search(r'name="session_limit" value="3"', page.text)
    assert "The settings have been saved." in page_text(page.text)


async def test_sms_countries_are_set_on_the_settings_page(
        browser_for: BrowserFactory, runtime: Runtime, admin: Account, org: Org) -> None:
    browser = await signed_in(browser_for, admin)
    answer = await browser.post(f"{ORG}/settings", settings_form(sms_countries="jp, US"))
    assert answer.status_code == 303
    assert (await runtime.directory.org("acme")).settings.sms_countries == ["JP", "US"]
    page = await browser.get(answer.headers["location"])
    assert 'name="sms_countries" value="JP, US"' in page.text
    refused = await browser.post(f"{ORG}/settings", settings_form(sms_countries="XX"))
    assert refused.status_code == 400
    assert (await runtime.directory.org("acme")).settings.sms_countries == ["JP", "US"]


@pytest.mark.parametrize("changes", [{"lockout_threshold": "0"}, {"session_limit": "many"},
                                     {"timezone": "Mars/Olympus"}])
async def test_invalid_settings_are_refused(browser_for: BrowserFactory, runtime: Runtime,
                                            admin: Account, changes: dict[str, str]) -> None:
    browser = await signed_in(browser_for, admin)
    form = settings_form(**{"session_limit": "5", **changes})
    answer = await browser.post(f"{ORG}/settings", form)
    assert answer.status_code == 400
    assert "The request is not valid." in page_text(answer.text)
    assert (await runtime.directory.org("acme")).settings.session_limit == 0


async def test_support_may_look_and_end_sessions_but_not_change(
        browser_for: BrowserFactory, runtime: Runtime, support: Account,
        member: Account) -> None:
    browser = await signed_in(browser_for, support)
    page = await browser.get(ORG)
    assert page.status_code == 200 and "Save settings" not in page_text(page.text)
    refused = await browser.post(f"{ORG}/settings", settings_form(session_limit="2"))
    assert refused.status_code == 403
    assert "You don't have permission to do this." in page_text(refused.text)
    assert (await runtime.directory.org("acme")).settings.session_limit == 0
    for url, form in ((f"{ORG}/allowed-ips/add", {"cidr": "10.0.0.0/8"}),
                      (f"{ORG}/members", {"identifier": "x@acme.example", "display_name": "X",
                                          "password": PASSWORD}),
                      (f"{ORG}/members/{member.id}/disable", {})):
        assert (await browser.post(url, form)).status_code == 403
    victim = await signed_in(browser_for, member)
    sessions = await browser.get(f"{ORG}/members/{member.id}")
    session_id = re.search(r'name="session" value="([0-9a-f]+)"', sessions.text)
    assert session_id is not None
    ended = await browser.post(f"{ORG}/members/{member.id}/sessions/end",
                               {"session": session_id.group(1)})
    assert ended.status_code == 303
    assert (await victim.get("/account/security")).status_code == 303


async def test_add_disable_enable_and_set_password(browser_for: BrowserFactory,
                                                   runtime: Runtime, admin: Account) -> None:
    browser = await signed_in(browser_for, admin)
    added = await browser.post(f"{ORG}/members", {
        "identifier": "taro@acme.example", "display_name": "Taro", "role": "support",
        "password": PASSWORD, "language": "ja"})
    assert added.status_code == 303
    taro = await runtime.directory.account("taro@acme.example")
    assert (taro.role, taro.language, taro.display_name) == ("support", "ja", "Taro")
    twice = await browser.post(f"{ORG}/members", {
        "identifier": "taro@acme.example", "display_name": "Taro", "password": PASSWORD})
    assert twice.status_code == 409
    short = await browser.post(f"{ORG}/members", {
        "identifier": "jiro", "display_name": "Jiro", "password": "short"})
    assert short.status_code == 400
    assert (await browser.post(f"{ORG}/members/{taro.id}/disable")).status_code == 303
    refused = await browser_for(lang="ja").sign_in("taro@acme.example")
    assert "このアカウントは無効になっています。" in page_text(refused.text)
    assert (await browser.post(f"{ORG}/members/{taro.id}/enable")).status_code == 303
    assert (await browser.post(f"{ORG}/members/{taro.id}/password",
                               {"password": "brand new secret", "end_sessions": "1"})
            ).status_code == 303
    assert (await browser_for().sign_in("taro@acme.example", "brand new secret")
            ).status_code == 303
    own = await browser.post(f"{ORG}/members/{admin.id}/disable")
    assert own.status_code == 403  # nobody acts on their own account from the console


async def test_org_allowed_ips(browser_for: BrowserFactory, runtime: Runtime, admin: Account,
                               org: Org) -> None:
    browser = await signed_in(browser_for, admin, ip="198.51.100.7")
    assert (await browser.post(f"{ORG}/allowed-ips/add-current", {"name": "HQ"})
            ).status_code == 303
    rules = await runtime.directory.ip_rules("org", org.id)
    assert [(r.cidr, r.name) for r in rules] == [("198.51.100.7/32", "HQ")]
    assert (await browser.post(f"{ORG}/allowed-ips/remove", {"rule": rules[0].id})
            ).status_code == 303
    assert not await runtime.directory.ip_rules("org", org.id)


async def test_audit_log_filters(browser_for: BrowserFactory, admin: Account,
                                 member: Account) -> None:
    await browser_for().sign_in(member.label, "wrong password")
    browser = await signed_in(browser_for, admin)
    page = await browser.get(f"{ORG}?code=INVALID_CREDENTIALS")
    text = page_text(page.text)
    assert "Incorrect password." in text and member.label in text
    assert "Signed in" not in text.split("Audit log", 1)[1]
    mine = await browser.get(f"{ORG}?account={admin.label}")
    audit = page_text(mine.text).split("Audit log", 1)[1]
    assert "Signed in" in audit and member.label not in audit
    nobody = await browser.get(f"{ORG}?account=stranger@example.com")
    assert "No matching events." in page_text(nobody.text)
    bad = await browser.get(f"{ORG}?since=yesterday")
    assert bad.status_code == 400


async def test_superadmin_sees_every_org(browser_for: BrowserFactory, runtime: Runtime,
                                         org: Org) -> None:
    other = await runtime.directory.create_org("Beta", "beta")
    root = await runtime.directory.create_account(display_name="Root", username="root",
                                                  password=PASSWORD, superadmin=True)
    browser = await signed_in(browser_for, root)
    links = page_links((await browser.get("/admin")).text)
    assert ORG in links and f"/admin/orgs/{other.slug}" in links
    assert (await browser.get("/admin/orgs/beta")).status_code == 200
