"""'Problem signing in?': the guided troubleshooter, starting from this browser's last failed
attempt, and the help centre's fixes as buttons."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.diagnostics.troubleshooter import ANSWERS, QUESTIONS
from monban.help.topics import TOPICS
from monban.runtime import Runtime
from monban.web.help.troubleshoot import LAST_ERROR
from tests.conftest import PASSWORD

from .conftest import Browser, BrowserFactory, page_links, page_text, signed_in

CHOICE = re.compile(r'<a class="choice" href="([^"]+)"')
FORM = re.compile(r'<form method="post" action="([^"]+)"')


async def failed(browser: Browser, identifier: str, password: str = "not the password") -> str:
    answer = await browser.sign_in(identifier, password)
    assert answer.status_code >= 400
    code = re.search(r'role="alert" data-code="(\w+)"', answer.text)
    assert code
    return code.group(1)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_every_question_and_answer_answers(browser_for: BrowserFactory,
                                                 lang: str) -> None:
    browser = browser_for(lang=lang)
    start = await browser.get("/troubleshoot")
    assert start.status_code == 200
    assert ("どのような問題が起きていますか?" if lang == "ja" else "What is happening?") in \
        page_text(start.text)
    for node_id in [*QUESTIONS, *ANSWERS]:
        url = "/troubleshoot" if node_id == "start" else f"/troubleshoot/{node_id}"
        page = await browser.get(url)
        assert page.status_code == 200, url
        assert "%(" not in page.text and "{app}" not in page.text, url
        for target in {unescape(u) for u in CHOICE.findall(page.text)} | {
                u for u in page_links(page.text) if u.startswith(("/help", "/troubleshoot"))}:
            assert (await browser.get(target)).status_code < 400, (url, target)
    assert (await browser.get("/troubleshoot/nowhere")).status_code == 404


async def test_it_leads_to_the_topic(browser_for: BrowserFactory) -> None:
    browser = browser_for(lang="en")
    start = await browser.get("/troubleshoot")
    assert "/troubleshoot/error" in CHOICE.findall(start.text)
    error = await browser.get("/troubleshoot/error")
    text = page_text(error.text)
    assert "Which message do you see?" in text
    assert "You have reached the daily sign-in limit." in text  # the catalogue's words
    assert "/help/errors/DAILY_SIGNIN_LIMIT" in CHOICE.findall(error.text)
    app = page_text((await browser.get("/troubleshoot/mfa_app")).text)
    assert "The OneAuth app is not available in this version of Monban yet" in app
    lost = await browser.get("/troubleshoot/lost_device")
    assert "Sign in another way" in page_text(lost.text)
    assert 'href="/troubleshoot/mfa_sms"' in lost.text  # back to a question before


async def test_it_starts_from_this_browsers_last_failed_attempt(
        browser_for: BrowserFactory, member: Account) -> None:
    browser = browser_for(lang="en")
    assert await failed(browser, member.email or "") == "INVALID_CREDENTIALS"
    start = await browser.get("/troubleshoot")
    text = page_text(start.text)
    assert "This browser's last sign-in attempt ended with this message:" in text
    assert "Incorrect password." in text
    assert CHOICE.findall(start.text) == ["/help/errors/INVALID_CREDENTIALS",
                                          "/troubleshoot?fresh=1"]
    fresh = page_text((await browser.get("/troubleshoot?fresh=1")).text)
    assert "What is happening?" in fresh and "Incorrect password." not in fresh
    index = await browser.get("/help")
    assert 'class="alert last-error" data-code="INVALID_CREDENTIALS"' in index.text
    other = browser_for(lang="en")  # another browser knows nothing of it
    assert "Incorrect password." not in page_text((await other.get("/troubleshoot")).text)


async def test_it_tells_nothing_the_error_page_did_not(runtime: Runtime, org: Org,
                                                       browser_for: BrowserFactory) -> None:
    await runtime.directory.add_domain(org, "acme.example")
    await runtime.directory.update_settings(org, {"hide_account_existence": True})
    browser = browser_for(lang="en")
    assert await failed(browser, "ghost@acme.example") == "INVALID_CREDENTIALS"
    cookie = browser.client.cookies.get(LAST_ERROR) or ""
    assert re.fullmatch(r"INVALID_CREDENTIALS:\d+\.[\w-]+", cookie), cookie
    text = page_text((await browser.get("/troubleshoot")).text)
    assert "Incorrect password." in text
    assert "ACCOUNT_NOT_FOUND" not in text and "ghost" not in text


async def test_a_forged_an_old_or_a_settled_code_is_ignored(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock) -> None:
    browser = browser_for(lang="en")
    await failed(browser, member.email or "")
    good = browser.client.cookies.get(LAST_ERROR) or ""
    forger = browser_for(lang="en")
    forger.client.cookies.set(LAST_ERROR, good.replace("INVALID_CREDENTIALS",
                                                       "ACCOUNT_DISABLED"))
    assert "last sign-in attempt" not in page_text((await forger.get("/troubleshoot")).text)
    replayed = browser_for(lang="en")
    replayed.client.cookies.set(LAST_ERROR, good)
    assert "last sign-in attempt" in page_text((await replayed.get("/troubleshoot")).text)
    clock.advance(timedelta(minutes=16))
    assert "last sign-in attempt" not in page_text((await replayed.get("/troubleshoot")).text)
    assert "last sign-in attempt" not in page_text((await browser.get("/troubleshoot")).text)
    clock.advance(timedelta(hours=1))  # the lock of the failure would be gone anyway
    await failed(browser, member.email or "")
    assert (await browser.sign_in(member.email or "")).status_code == 303
    assert browser.client.cookies.get(LAST_ERROR) is None


async def test_only_sign_in_problems_are_remembered(browser_for: BrowserFactory,
                                                    member: Account) -> None:
    browser = browser_for(lang="en")
    expired = await browser.get("/signin/password?flow=nope")
    assert 'data-code="FLOW_EXPIRED"' in expired.text
    assert (browser.client.cookies.get(LAST_ERROR) or "").startswith("FLOW_EXPIRED:")
    assert (await browser.get("/no/such/page")).status_code == 404
    assert (browser.client.cookies.get(LAST_ERROR) or "").startswith("FLOW_EXPIRED:")


async def test_the_help_centre_follows_the_seed_pages_structure(
        browser_for: BrowserFactory) -> None:
    page = await browser_for(lang="en").get("/help")
    text = page_text(page.text)
    choices = CHOICE.findall(page.text)
    assert choices == ["#signin_errors", "#mfa", "#mail_clients", "#forgot_password", "#other",
                       "/troubleshoot"]
    text = text[text.index("Not sure? Answer a few questions"):]
    order = [text.index(words) for words in (
        "I get an error when I try to sign in", "A code sent by SMS",
        "A code from an authenticator app", "The OneAuth app", "A security key (YubiKey)",
        "I can't connect my mail client", "I forgot my password and can't access",
        "You are asked to sign in every time you close your web browser")]
    assert order == sorted(order)
    links = page_links(page.text)
    assert {"/troubleshoot/password", "/troubleshoot/mail_old",
            "/troubleshoot/lost_device"} <= set(links)
    ja = page_text((await browser_for(lang="ja").get("/help")).text)
    assert "SMSで届くコード" in ja and "わからない場合は、いくつかの質問に答えてください" in ja


async def test_signed_in_the_fixes_are_buttons(runtime: Runtime, admin: Account,
                                               member: Account,
                                               browser_for: BrowserFactory) -> None:
    other = await signed_in(browser_for, member, ip="192.0.2.1")
    browser = await signed_in(browser_for, member)
    topic = await browser.get("/help/errors/IP_NOT_ALLOWED")
    assert "/account/allowed-ips/add-current" in FORM.findall(topic.text)
    added = await browser.post("/account/allowed-ips/add-current")
    assert added.status_code == 303
    rules = await runtime.directory.ip_rules("account", member.id)
    assert [r.cidr for r in rules] == ["198.51.100.7/32"]
    sessions = await browser.get("/help/errors/CONCURRENT_SESSION_LIMIT")
    assert "/account/sessions/end-others" in FORM.findall(sessions.text)
    assert (await browser.post("/account/sessions/end-others")).status_code == 303
    assert (await other.get("/account/security")).status_code == 303  # signed out there
    disabled = (await browser.get("/help/errors/ACCOUNT_DISABLED")).text
    assert "Your organization's administrators:" in page_text(disabled)
    assert f'Admin (<a href="mailto:{admin.email}">' in disabled
    anonymous = await browser_for(lang="en").get("/help/errors/ACCOUNT_DISABLED")
    assert admin.email not in anonymous.text and not FORM.findall(
        (await browser_for(lang="en").get("/help/errors/IP_NOT_ALLOWED")).text)


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_every_topics_actions_answer_for_a_signed_in_member(
        runtime: Runtime, org: Org, browser_for: BrowserFactory, lang: str) -> None:
    await runtime.directory.create_account(display_name="Taro", email="taro@acme.example",
                                           password=PASSWORD, org=org, language=lang)
    browser = browser_for(lang=lang)
    assert (await browser.sign_in("taro@acme.example")).status_code == 303
    links, forms = set(), set()
    for slug in TOPICS:
        url = f"/help/errors/{slug}" if slug != "BROWSER_CLOSE_SIGNOUT" else \
            f"/help/topics/{slug}"
        page = await browser.get(url)
        assert page.status_code == 200, url
        links |= set(re.findall(r'<a href="([^"]+)" class="action">', page.text))
        forms |= {f for f in FORM.findall(page.text) if f != "/signout"
                  and f != "/account/language"}
    for link in sorted(links):
        assert (await browser.get(link)).status_code < 400, link
    assert forms == {"/account/allowed-ips/add-current", "/account/sessions/end-others"}
    for form in sorted(forms):
        assert (await browser.post(form)).status_code < 400, form


async def test_topics_of_the_app_that_is_not_built_say_so(browser_for: BrowserFactory) -> None:
    browser = browser_for(lang="en")
    for code in ("PUSH_TIMED_OUT", "PUSH_DENIED", "SIGNIN_RESTRICTED",
                 "AUTHENTICATOR_UPDATE_REQUIRED"):
        text = page_text((await browser.get(f"/help/errors/{code}")).text)
        assert "The OneAuth app is not available in this version of Monban yet" in text, code
    built = page_text((await browser.get("/help/errors/INVALID_OTP")).text)
    assert "not available in this version" not in built
