"""The console's "why can't this member sign in?" page: the same diagnosis as `monban diagnose`,
with the fixes as buttons where the viewer's role allows."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from monban.accounts.model import Account, Org, Role
from monban.clock import FrozenClock
from monban.errors import CATALOGUE
from monban.runtime import Runtime
from tests.conftest import ClientFactory, sign_in
from tests.diagnostics.scenarios import OUTSIDE, SCENARIOS, Scenario, World

from .conftest import Browser, BrowserFactory, page_text, signed_in

DESK = "10.1.0.9"  # inside the org list some scenarios set


@pytest.fixture
def world(runtime: Runtime, org: Org, client_for: ClientFactory, clock: FrozenClock) -> World:
    return World(runtime, org, client_for, clock)


async def console(browser_for: BrowserFactory, runtime: Runtime, staff: Account,
                  lang: str = "en") -> Browser:
    await runtime.directory.update_account(staff, timezone="UTC")
    return await signed_in(browser_for, staff, lang=lang, ip=DESK)


def page_url(scenario: Scenario) -> str:
    return "/admin/orgs/acme/diagnose?" + urlencode({"account": scenario.member.email})


def fix_form(html: str, key: str) -> tuple[str, dict[str, str]]:
    """The action and fields of fix `key`'s button."""
    item = re.search(rf'<li data-fix="{key}">(.*?)</li>', html, re.S)
    assert item, f"no fix {key}"
    action = re.search(r'<form method="post" action="([^"]+)"', item.group(1))
    assert action, f"{key} is not a button here"
    fields = dict(re.findall(r'<input type="(?:hidden|number)" name="(\w+)" value="([^"]*)"',
                             item.group(1)))
    return action.group(1).replace("&amp;", "&"), fields


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_the_page_shows_what_the_command_shows(name: str, world: World, admin: Account,
                                                     browser_for: BrowserFactory) -> None:
    scenario = await SCENARIOS[name](world)
    browser = await console(browser_for, world.runtime, admin)
    page = await browser.get(page_url(scenario))
    assert page.status_code == 200, page_text(page.text)
    text = page_text(page.text)
    assert scenario.code in text and CATALOGUE[scenario.code].en in text
    assert f'data-policy="{scenario.policy}" open' in page.text
    assert re.search(rf'<tr data-policy="{scenario.policy}" class="decided">', page.text)
    for sentence in scenario.says:
        assert sentence in text, (sentence, text)
    assert f'<li data-fix="{scenario.fix}">' in page.text


@pytest.mark.parametrize("name", ["IP_NOT_ALLOWED", "SIGNIN_ATTEMPTS_EXCEEDED",
                                  "DAILY_SIGNIN_LIMIT", "ACCOUNT_DISABLED"])
async def test_the_fix_button_works(name: str, world: World, admin: Account,
                                    browser_for: BrowserFactory) -> None:
    scenario = await SCENARIOS[name](world)
    browser = await console(browser_for, world.runtime, admin)
    page = await browser.get(page_url(scenario))
    action, fields = fix_form(page.text, scenario.fix or "")
    done = await browser.post(action, fields)
    assert done.status_code == 303, page_text(done.text)
    assert f"done={scenario.fix}" in done.headers["location"]
    after = await browser.get(done.headers["location"])
    text = page_text(after.text)
    assert "The fix has been applied." in text and "Resolved" in text
    ip = OUTSIDE if name == "IP_NOT_ALLOWED" else "198.51.100.7"
    assert (await sign_in(world.client_for(ip=ip), scenario.member.email or "")
            ).status_code == 200


async def test_support_sees_which_fixes_need_an_admin(world: World, support: Account,
                                                      browser_for: BrowserFactory) -> None:
    scenario = await SCENARIOS["CONCURRENT_SESSION_LIMIT"](world)
    browser = await console(browser_for, world.runtime, support)
    page = await browser.get(page_url(scenario))
    assert page.status_code == 200
    fix_form(page.text, "end_sessions")  # support staff may end sessions
    raise_item = re.search(r'<li data-fix="raise_session_limit">(.*?)</li>', page.text, re.S)
    assert raise_item and "<form" not in raise_item.group(1)
    assert "an administrator of the organization can do this" in page_text(raise_item.group(1))
    event = re.search(r'name="event" value="(\d+)"', page.text)
    assert event
    refused = await browser.post(f"{page_url(scenario).replace('?', '/fix?')}",
                                 {"event": event.group(1), "fix": "raise_session_limit"})
    assert refused.status_code == 403
    assert "You don't have permission to do this." in page_text(refused.text)
    action, fields = fix_form(page.text, "end_sessions")
    assert (await browser.post(action, fields)).status_code == 303


async def test_in_japanese(world: World, admin: Account, browser_for: BrowserFactory) -> None:
    scenario = await SCENARIOS["IP_NOT_ALLOWED"](world)
    await world.runtime.directory.update_account(admin, language="ja")
    browser = await console(browser_for, world.runtime, admin, lang="ja")
    text = page_text((await browser.get(page_url(scenario))).text)
    assert "サインインの診断" in text and "評価したポリシー" in text
    assert f"{OUTSIDE} は組織の許可リストに含まれていません: 'Tokyo office' 10.1.0.0/16。" in text
    assert f"{OUTSIDE} を組織の許可リストに追加する" in text


async def test_who_may_look(world: World, member: Account, browser_for: BrowserFactory,
                            runtime: Runtime) -> None:
    scenario = await SCENARIOS["INVALID_CREDENTIALS"](world)
    anonymous = await browser_for().get(page_url(scenario))
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")
    as_member = await signed_in(browser_for, member)
    assert (await as_member.get(page_url(scenario))).status_code == 403
    beta = await runtime.directory.create_org("Beta", "beta")
    stranger = await runtime.directory.create_account(
        display_name="B", email="b@beta.example", password="correct horse battery", org=beta,
        role=Role.ADMIN, language="en")
    as_beta = await signed_in(browser_for, stranger)
    assert (await as_beta.get(page_url(scenario))).status_code == 403
    other = await as_beta.get("/admin/orgs/beta/diagnose?" + urlencode(
        {"account": scenario.member.email}))
    assert other.status_code == 404


async def test_the_form_and_its_mistakes(world: World, admin: Account,
                                         browser_for: BrowserFactory) -> None:
    browser = await console(browser_for, world.runtime, admin)
    empty = await browser.get("/admin/orgs/acme/diagnose")
    assert empty.status_code == 200 and 'name="account"' in empty.text
    assert admin.email in empty.text  # offered in the member list
    bad = await browser.get("/admin/orgs/acme/diagnose?event=abc")
    assert bad.status_code == 400
    assert (await browser.get("/admin/orgs/acme/diagnose?since=yesterday&account="
                              + (admin.email or ""))).status_code == 400
    nobody = await browser.get("/admin/orgs/acme/diagnose?account=ghost%40acme.example")
    assert nobody.status_code == 404
    quiet = page_text((await browser.get("/admin/orgs/acme/diagnose?account="
                                         + (admin.email or ""))).text)
    assert "Sign-in attempts of admin@acme.example" in quiet


async def test_members_read_why_their_own_attempts_failed(world: World,
                                                          browser_for: BrowserFactory) -> None:
    scenario = await SCENARIOS["IP_NOT_ALLOWED"](world)
    await sign_in(world.client_for(ip="10.1.0.7"), scenario.member.email or "", "wrong one")
    browser = await signed_in(browser_for, scenario.member, ip="10.1.0.7")
    page = await browser.get("/account/security")
    activity = page.text[page.text.index('id="activity"'):]
    text = page_text(activity)
    assert (f"Sign-in from this IP address is not allowed. IP_NOT_ALLOWED Your IP address "
            f"{OUTSIDE} is not on your organization's allowed list.") in text
    assert "Incorrect password. INVALID_CREDENTIALS The password was wrong." in text
    assert "Tokyo office" not in text and "10.1.0.0/16" not in text
