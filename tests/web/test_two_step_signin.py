"""/signin/mfa: the second step after the password (authenticator app, SMS, email, backup
codes, security key), "Trust this browser", and enrolment forced by an org requiring MFA."""

from __future__ import annotations

import pytest

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.edge import cookies
from monban.runtime import Runtime
from monban.web.help.troubleshoot import LAST_ERROR
from tests.conftest import Updater

from .conftest import BrowserFactory, hidden, page_links, page_text, signed_in
from .two_step import (
    another_way,
    answer,
    enroll_totp,
    second_step,
    shown_secret,
    totp_code,
)

pytest.importorskip("monban.factors.totp")


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["2段階認証", "認証アプリに表示される、このアカウントの6桁のコード", "確認コード",
            "このブラウザーを信頼する(180日間)", "別の方法でサインイン", "バックアップ認証コード"]),
    ("en", ["Two-step verification", "Enter the 6-digit code that your authenticator app shows",
            "Verification code", "Trust this browser for 180 days", "Sign in another way",
            "Backup verification codes"]),
])
async def test_second_step_renders_in_both_languages(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock, lang: str,
        words: list[str]) -> None:
    setup = await signed_in(browser_for, member)
    await enroll_totp(setup, clock)
    assert (await setup.post("/account/two-step/add/backup_code")).status_code == 200
    page = await second_step(browser_for(lang=lang), member.label)
    assert f'<html lang="{lang}">' in page.text
    text = page_text(page.text)
    for word in words:
        assert word in text
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert 'name="csrf"' in page.text


async def test_totp_enrol_then_sign_in(browser_for: BrowserFactory, member: Account,
                                       clock: FrozenClock, runtime: Runtime) -> None:
    secret = await enroll_totp(await signed_in(browser_for, member), clock)
    browser = browser_for()
    page = await second_step(browser, member.label)
    assert browser.session_cookie() is None
    assert (await browser.get("/account/security")).status_code == 303  # not signed in yet
    done = await answer(browser, page, code=totp_code(secret, clock))
    assert done.status_code == 303
    assert done.headers["location"] == "/account/security"
    assert browser.session_cookie()
    security = page_text((await browser.get("/account/security")).text)
    assert "Two-step verification" in security and "On" in security
    [record] = await runtime.factors.enrolled(member.id)
    assert record.last_used_at == clock.now()


@pytest.mark.parametrize(("lang", "message", "sync_step"), [
    ("en", "Incorrect verification code.", "On an iOS device, go to Settings"),
    ("ja", "ワンタイムパスワードが正しくありません。", "[日付と時刻]"),
])
async def test_wrong_code_shows_the_message_and_time_sync_steps(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock, lang: str,
        message: str, sync_step: str) -> None:
    await enroll_totp(await signed_in(browser_for, member), clock)
    browser = browser_for(lang=lang)
    page = await second_step(browser, member.label)
    wrong = await answer(browser, page, code="000000")
    assert wrong.status_code == 401
    text = page_text(wrong.text)
    assert message in text and sync_step in text
    assert 'data-code="INVALID_OTP"' in wrong.text
    assert 'href="/help/errors/INVALID_OTP"' in wrong.text
    assert hidden(wrong.text, "flow") == hidden(page.text, "flow")  # try again on this page
    assert browser.session_cookie() is None


async def test_problem_signing_in_starts_from_a_wrong_second_factor(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock) -> None:
    await enroll_totp(await signed_in(browser_for, member), clock)
    browser = browser_for(lang="en")
    await answer(browser, await second_step(browser, member.label), code="000000")
    assert (browser.client.cookies.get(LAST_ERROR) or "").startswith("INVALID_OTP:")
    assert "Incorrect verification code." in page_text((await browser.get("/troubleshoot")).text)


async def test_trust_this_browser_skips_the_second_step_next_time(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock,
        runtime: Runtime) -> None:
    secret = await enroll_totp(await signed_in(browser_for, member), clock)
    browser = browser_for()
    page = await second_step(browser, member.label)
    assert (await answer(browser, page, code=totp_code(secret, clock),
                         trust=True)).status_code == 303
    await browser.post("/signout")
    again = await browser.sign_in(member.label)  # same cookies: the same browser
    assert again.status_code == 303 and again.headers["location"] == "/account/security"
    security = page_text((await browser.get("/account/security")).text)
    assert "Trusted browsers" in security and "python-httpx" in security
    await second_step(browser_for(), member.label)  # another browser is still asked


async def test_no_trust_box_when_the_org_trusts_no_browser(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock,
        set_org: Updater) -> None:
    secret = await enroll_totp(await signed_in(browser_for, member), clock)
    await set_org(trusted_browser_days=0)
    browser = browser_for()
    page = await second_step(browser, member.label)
    assert "trust_browser" not in page.text
    await answer(browser, page, code=totp_code(secret, clock), trust=True)
    await browser.post("/signout")
    await second_step(browser, member.label)


async def test_org_requiring_mfa_makes_the_member_enrol_first(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock, runtime: Runtime,
        set_org: Updater) -> None:
    await set_org(mfa_required=True)
    browser = browser_for(lang="ja")
    password = await browser.sign_in(member.label, next_url="/help")
    choice = await browser.get(password.headers["location"])
    text = page_text(choice.text)
    assert "2段階認証の設定" in text and "組織で2段階認証が必須になっています" in text
    assert browser.session_cookie() is None
    assert "/signin/mfa/enroll/backup_code" not in choice.text  # not enough on its own
    links = [link for link in page_links(choice.text) if link.startswith("/signin/mfa/enroll/")]
    assert [link.split("?")[0].rsplit("/", 1)[1] for link in links] == ["totp", "sms",
                                                                         "webauthn", "push"]
    start = await browser.get(links[0])
    assert start.status_code == 200 and "認証アプリ" in page_text(start.text)
    qr = await browser.post("/signin/mfa/enroll/totp", {
        "flow": hidden(start.text, "flow"), "next": hidden(start.text, "next"),
        "name": "iPhone"})
    assert qr.status_code == 200 and "<svg" in qr.text
    fields = {"flow": hidden(qr.text, "flow"), "next": hidden(qr.text, "next"),
              "enrollment": hidden(qr.text, "enrollment")}
    wrong = await browser.post("/signin/mfa/enroll/totp/confirm", {**fields, "code": "000000"})
    assert wrong.status_code == 401 and "[日付と時刻]" in page_text(wrong.text)
    assert browser.session_cookie() is None
    done = await browser.post("/signin/mfa/enroll/totp/confirm", {
        **fields, "code": totp_code(shown_secret(qr.text), clock)})
    assert done.status_code == 303 and done.headers["location"] == "/help"
    assert browser.session_cookie()
    [record] = await runtime.factors.enrolled(member.id)
    assert (record.kind, record.name) == ("totp", "iPhone")


async def test_backup_code_signs_in_another_way_and_asks_for_a_new_set(
        browser_for: BrowserFactory, member: Account, clock: FrozenClock) -> None:
    pytest.importorskip("monban.factors.backup_codes")
    setup = await signed_in(browser_for, member)
    await enroll_totp(setup, clock)
    made = await setup.post("/account/two-step/add/backup_code")
    codes = page_text(made.text.split('id="backup-codes">')[1].split("</pre>")[0]).split()
    assert len(codes) == 5
    for used, code in enumerate(codes[:2], 1):
        browser = browser_for()
        first = await second_step(browser, member.label)
        page = await browser.get(another_way(first, "backup_code"))
        assert "Enter one of your backup verification codes" in page_text(page.text)
        done = await answer(browser, page, code=code)
        assert done.status_code == 303
        low = done.headers["location"] == "/account/security#two-step"
        assert low == (used == 2)  # 3 left: time for a new set
    prompt = page_text((await browser.get("/account/security")).text)
    assert "You have only 3 backup verification codes left." in prompt


async def test_reused_backup_code_is_refused(browser_for: BrowserFactory, member: Account,
                                             clock: FrozenClock) -> None:
    pytest.importorskip("monban.factors.backup_codes")
    setup = await signed_in(browser_for, member)
    await enroll_totp(setup, clock)
    made = await setup.post("/account/two-step/add/backup_code")
    code = page_text(made.text.split('id="backup-codes">')[1].split("</pre>")[0]).split()[0]
    for expected in (303, 401):
        browser = browser_for()
        first = await second_step(browser, member.label)
        page = await browser.get(another_way(first, "backup_code"))
        result = await answer(browser, page, code=code)
        assert result.status_code == expected
    assert "Incorrect backup verification code." in page_text(result.text)


async def test_expired_or_unknown_flow_goes_back_to_sign_in(browser_for: BrowserFactory
                                                            ) -> None:
    browser = browser_for()
    page = await browser.get("/signin/mfa?flow=nope")
    assert page.status_code == 410
    assert "This sign-in attempt has expired." in page_text(page.text)
    posted = await browser.post("/signin/mfa", {"flow": "nope", "factor": "x", "code": "1"})
    assert posted.status_code == 410


async def test_second_step_forms_need_the_csrf_field(browser_for: BrowserFactory,
                                                     member: Account,
                                                     clock: FrozenClock) -> None:
    secret = await enroll_totp(await signed_in(browser_for, member), clock)
    browser = browser_for()
    page = await second_step(browser, member.label)
    fields = {n: hidden(page.text, n) for n in ("flow", "next", "factor", "kind")}
    forged = await browser.post("/signin/mfa", {**fields, "code": totp_code(secret, clock)},
                                csrf=False)
    assert forged.status_code == 403 and browser.session_cookie() is None
    assert browser.client.cookies.get(cookies.SESSION) is None


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["2段階認証の設定", "組織で2段階認証が必須になっています", "認証アプリ",
            "認証アプリを開いてアカウントを追加し", "確認して有効にする", "最初からやり直す"]),
    ("en", ["Set up two-step verification", "Your organization requires two-step verification",
            "Authenticator app", "Open your authenticator app, add an account",
            "Verify and turn on", "Start again"]),
])
async def test_enrolment_pages_of_the_flow_in_both_languages(
        browser_for: BrowserFactory, member: Account, set_org: Updater, lang: str,
        words: list[str]) -> None:
    await set_org(mfa_required=True)
    browser = browser_for(lang=lang)
    choice = await browser.get((await browser.sign_in(member.label)).headers["location"])
    start = await browser.get(next(link for link in page_links(choice.text)
                                   if link.startswith("/signin/mfa/enroll/totp")))
    qr = await browser.post("/signin/mfa/enroll/totp", {
        "flow": hidden(start.text, "flow"), "next": hidden(start.text, "next"), "name": ""})
    for page in (choice, start, qr):
        assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    text = " ".join(page_text(page.text) for page in (choice, qr))
    for word in words:
        assert word in text
