"""Support-assisted recovery pages in ja/en: the request form reached from the sign-in page
and the help topics, the contact code, and the support console (queue, a request with its
recovery facts, checks, approve, deny). Messages land in the outbox (no SMTP here)."""

from __future__ import annotations

import re

import pytest

from monban.accounts.model import Account
from monban.runtime import Runtime

from .conftest import BrowserFactory, hidden, page_links, page_text, signed_in

CONTACT = "hanako.home@example.net"


async def outbox_text(runtime: Runtime, target: str = CONTACT) -> str:
    return (await runtime.outbox.latest(1, target=target))[0].body


async def file_and_prove(browser_for: BrowserFactory, runtime: Runtime, identifier: str,
                         lang: str = "en", contact: str = CONTACT) -> str:
    """Fill in the form and the code page; the request id."""
    person = browser_for(ip="203.0.113.20", lang=lang)
    filed = await person.post("/support/request", {
        "identifier": identifier, "contact": contact,
        "description": "My phone was stolen.\nI still know my password."})
    assert filed.status_code == 303, page_text(filed.text)
    page = await person.get(filed.headers["location"])
    request_id = hidden(page.text, "request")
    code = re.search(r"\b(\d{6})\b", await outbox_text(runtime, contact))
    assert code
    proven = await person.post("/support/request/verify",
                               {"request": request_id, "code": code.group(1)})
    assert proven.status_code == 303 and proven.headers["location"] == "/support/request/received"
    return request_id


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["サポート窓口に問い合わせる", "連絡を受け取れるメールアドレスまたは携帯電話番号",
            "にコードを送信しました", "サポート窓口に依頼を送信しました"]),
    ("en", ["Contact support", "An email address or mobile number where we can reach you",
            "We sent a code to", "Request sent to support"]),
])
async def test_the_request_form_in_both_languages(browser_for: BrowserFactory,
                                                  runtime: Runtime, member: Account,
                                                  lang: str, words: list[str]) -> None:
    person = browser_for(lang=lang)
    signin = await person.get("/signin")
    assert "/support/request" in page_links(signin.text)
    form = await person.get("/support/request")
    assert form.status_code == 200 and f'<html lang="{lang}">' in form.text
    assert words[0] in page_text(form.text) and words[1] in page_text(form.text)
    bad = await person.post("/support/request", {"identifier": member.label,
                                                 "contact": "090-1234-5678",
                                                 "description": "help"})
    assert bad.status_code == 400 and 'data-code="INVALID_PHONE_NUMBER"' in bad.text
    assert member.label in bad.text  # what was typed is kept
    filed = await person.post("/support/request", {"identifier": member.label,
                                                   "contact": CONTACT, "description": "help"})
    page = await person.get(filed.headers["location"])
    assert words[2] in page_text(page.text) and "h•••@example.net" in page_text(page.text)
    wrong = await person.post("/support/request/verify",
                              {"request": hidden(page.text, "request"), "code": "000000"})
    assert wrong.status_code == 401 and 'data-code="INVALID_OTP"' in wrong.text
    code = re.search(r"\b(\d{6})\b", await outbox_text(runtime))
    assert code
    done = await person.post("/support/request/verify",
                             {"request": hidden(page.text, "request"), "code": code.group(1)})
    received = await person.get(done.headers["location"])
    assert words[3] in page_text(received.text)
    stale = await person.get("/support/request/verify?request=nope")
    assert 'data-code="FLOW_EXPIRED"' in stale.text


async def test_help_topics_and_the_password_page_link_to_the_form(
        browser_for: BrowserFactory, member: Account) -> None:
    browser = browser_for()
    topic = await browser.get("/help/errors/NO_RECOVERY_OPTION")
    assert "/support/request" in page_links(topic.text)
    assert "Contacting support from this page is not available" not in page_text(topic.text)
    started = await browser.post("/signin", {"identifier": member.label})
    password = await browser.get(started.headers["location"])
    assert "/support/request?identifier=hanako%40acme.example" in page_links(password.text)
    form = await browser.get("/support/request?identifier=hanako%40acme.example")
    assert 'value="hanako@acme.example"' in form.text


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["サポートへの依頼", "本人確認", "最後に成功したサインイン", "2段階認証の方法",
            "承認してバックアップ認証コードを送信"]),
    ("en", ["Support request", "Identity checks", "Last successful sign-in",
            "Two-step verification methods", "Approve and send a backup verification code"]),
])
async def test_the_console_works_a_request(browser_for: BrowserFactory, runtime: Runtime,
                                           member: Account, support: Account, lang: str,
                                           words: list[str]) -> None:
    request_id = await file_and_prove(browser_for, runtime, member.label, lang)
    await runtime.directory.update_account(support, language=lang)
    agent = await signed_in(browser_for, support, lang=lang)
    queue = await agent.get("/support")
    assert queue.status_code == 200, page_text(queue.text)
    assert f"/support/requests/{request_id}" in page_links(queue.text)
    assert member.label in page_text(queue.text)
    case = await agent.get(f"/support/requests/{request_id}")
    text = page_text(case.text)
    assert case.status_code == 200 and all(word in text for word in words), text
    assert "My phone was stolen." in text and "h•••@example.net" in text
    url = f"/support/requests/{request_id}"
    refused = await agent.post(f"{url}/approve")
    assert refused.status_code == 400 and 'data-code="INVALID_REQUEST"' in refused.text
    checked = await agent.post(f"{url}/checks", {"check": "last_signin_location",
                                                 "result": "passed", "note": "Osaka, Chrome"})
    assert checked.status_code == 303
    shown = await agent.get(checked.headers["location"])
    assert "Osaka, Chrome" in page_text(shown.text) and 'role="status"' in shown.text
    approved = await agent.post(f"{url}/approve")
    assert approved.status_code == 303
    after = await agent.get(approved.headers["location"])
    code = re.search(r"\b(\d{4}-\d{4}-\d{4})\b", await outbox_text(runtime))
    assert code and code.group(1) not in after.text
    assert code.group(1).replace("-", "") not in after.text
    assert "/approve" not in after.text  # decided: no more buttons


async def test_deny_from_the_console(browser_for: BrowserFactory, runtime: Runtime,
                                     member: Account, support: Account) -> None:
    request_id = await file_and_prove(browser_for, runtime, member.label)
    agent = await signed_in(browser_for, support)
    denied = await agent.post(f"/support/requests/{request_id}/deny",
                              {"note": "Did not know anything."})
    page = await agent.get(denied.headers["location"])
    assert "Denied: the person has been told." in page_text(page.text)
    assert "could not verify your identity" in await outbox_text(runtime)


async def test_only_staff_open_the_console(browser_for: BrowserFactory, runtime: Runtime,
                                           member: Account) -> None:
    anonymous = browser_for()
    answer = await anonymous.get("/support")
    assert answer.status_code == 303 and answer.headers["location"] == "/signin?next=%2Fsupport"
    browser = await signed_in(browser_for, member, lang="ja")
    for url in ("/support", "/support/requests/whatever"):
        page = await browser.get(url)
        assert page.status_code == 403 and 'data-code="PERMISSION_DENIED"' in page.text
