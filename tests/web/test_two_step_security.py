"""The security page's "Two-step verification" card and its pages: add a factor of each kind,
remove one, make one preferred, backup codes, trusted browsers."""

from __future__ import annotations

import pytest

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import Updater

from .conftest import BrowserFactory, hidden, page_text, signed_in
from .two_step import answer, enroll_totp, second_step, shown_secret, totp_code

pytest.importorskip("monban.factors.totp")


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["2段階認証", "オフ", "認証方法を追加", "認証アプリ", "SMS(テキストメッセージ)",
            "セキュリティキー", "バックアップ認証コード", "信頼済みのブラウザー"]),
    ("en", ["Two-step verification", "Off", "Add a method", "Authenticator app",
            "Text message (SMS)", "Security key", "Backup verification codes",
            "Trusted browsers"]),
])
async def test_security_page_card_in_both_languages(browser_for: BrowserFactory,
                                                    runtime: Runtime, member: Account,
                                                    lang: str, words: list[str]) -> None:
    await runtime.directory.update_account(member, language=lang)
    page = await (await signed_in(browser_for, member)).get("/account/security")
    text = page_text(page.text.split('id="two-step"')[1].split("</section>")[0])
    for word in words:
        assert word in text


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("kind", "words"), [
    ("totp", {"ja": ["認証アプリ", "続行"], "en": ["Authenticator app", "Continue"]}),
    ("sms", {"ja": ["携帯電話番号", "コードを送信"], "en": ["Mobile number", "Send code"]}),
    ("webauthn", {"ja": ["セキュリティキーを追加"], "en": ["Add security key"]}),
    ("backup_code", {"ja": ["コードを生成"], "en": ["Generate codes"]}),
])
async def test_add_pages_render_in_both_languages(browser_for: BrowserFactory,
                                                  runtime: Runtime, member: Account,
                                                  kind: str, words: dict[str, list[str]],
                                                  lang: str) -> None:
    pytest.importorskip({"totp": "monban.factors.totp", "sms": "monban.factors.sms",
                         "webauthn": "monban.factors.webauthn",
                         "backup_code": "monban.factors.backup_codes"}[kind])
    await runtime.directory.update_account(member, language=lang)
    page = await (await signed_in(browser_for, member)).get(f"/account/two-step/add/{kind}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text and 'name="csrf"' in page.text
    text = page_text(page.text)
    for word in words[lang]:
        assert word in text


async def test_totp_qr_page_and_a_typo(browser_for: BrowserFactory, member: Account,
                                       clock: FrozenClock, runtime: Runtime) -> None:
    browser = await signed_in(browser_for, member)
    qr = await browser.post("/account/two-step/add/totp", {"name": "Work phone"})
    assert "<svg" in qr.text and "Can't scan it?" in page_text(qr.text)
    secret = shown_secret(qr.text)
    typo = await browser.post("/account/two-step/add/totp/confirm", {
        "enrollment": hidden(qr.text, "enrollment"), "code": "123"})
    assert typo.status_code == 401
    assert "Incorrect verification code." in page_text(typo.text)
    done = await browser.post("/account/two-step/add/totp/confirm", {
        "enrollment": hidden(typo.text, "enrollment"), "code": totp_code(secret, clock)})
    assert done.status_code == 303
    page = page_text((await browser.get(done.headers["location"])).text)
    assert "Two-step verification method added." in page and "Work phone" in page
    assert [f.name for f in await runtime.factors.enrolled(member.id)] == ["Work phone"]


async def test_prefer_and_remove(browser_for: BrowserFactory, member: Account,
                                 clock: FrozenClock, runtime: Runtime) -> None:
    browser = await signed_in(browser_for, member)
    await enroll_totp(browser, clock, "First app")
    second = await enroll_totp(browser, clock, "Second app")
    first_id, second_id = [f.id for f in await runtime.factors.enrolled(member.id)]
    page = await browser.get("/account/security")
    assert page.text.count("Make preferred") == 2
    made = await browser.post("/account/two-step/prefer", {"factor": second_id})
    assert made.headers["location"] == "/account/security?notice=factor_preferred#two-step"
    other = browser_for()
    step = await second_step(other, member.label)
    assert hidden(step.text, "factor") == second_id  # the preferred one first
    assert (await answer(other, step, code=totp_code(second, clock))).status_code == 303
    removed = await browser.post("/account/two-step/remove", {"factor": first_id})
    assert removed.status_code == 303
    assert [f.id for f in await runtime.factors.enrolled(member.id)] == [second_id]
    missing = await browser.post("/account/two-step/remove", {"factor": first_id})
    assert missing.status_code == 404
    await browser.post("/account/two-step/remove", {"factor": second_id})
    assert (await browser_for().sign_in(member.label)).headers["location"] == \
        "/account/security"  # no second step any more


async def test_backup_codes_are_shown_once_and_a_new_set_warns(
        browser_for: BrowserFactory, member: Account, runtime: Runtime) -> None:
    pytest.importorskip("monban.factors.backup_codes")
    browser = await signed_in(browser_for, member)
    first = await browser.post("/account/two-step/add/backup_code")
    assert first.status_code == 200
    assert "Save these codes now" in page_text(first.text)
    assert 'download="monban-backup-codes.txt"' in first.text
    assert 'href="data:text/plain;charset=utf-8,' in first.text
    assert "Any earlier set" not in page_text(first.text)
    codes = page_text(first.text.split('id="backup-codes">')[1].split("</pre>")[0]).split()
    security = (await browser.get("/account/security")).text
    assert not any(code in security for code in codes)
    assert "5 left" in page_text(security)
    again = await browser.get("/account/two-step/add/backup_code")
    assert "Making a new set cancels every code of the old one." in page_text(again.text)
    second = await browser.post("/account/two-step/add/backup_code")
    assert "Any earlier set of backup codes no longer works." in page_text(second.text)
    assert len([f for f in await runtime.factors.enrolled(member.id)
                if f.kind == "backup_code"]) == 1


async def test_trusted_browser_can_be_removed(browser_for: BrowserFactory, member: Account,
                                              clock: FrozenClock, runtime: Runtime) -> None:
    secret = await enroll_totp(await signed_in(browser_for, member), clock)
    browser = browser_for()
    step = await second_step(browser, member.label)
    await answer(browser, step, code=totp_code(secret, clock), trust=True)
    page = await browser.get("/account/security")
    trusted = hidden(page.text, "browser")
    removed = await browser.post("/account/trusted-browsers/remove", {"browser": trusted})
    assert removed.headers["location"] == "/account/security?notice=browser_untrusted#two-step"
    assert "The browser is no longer trusted" in page_text(
        (await browser.get(removed.headers["location"])).text)
    await browser.post("/signout")
    await second_step(browser, member.label)  # asked again


async def test_refusals(browser_for: BrowserFactory, member: Account,
                        set_org: Updater) -> None:
    browser = await signed_in(browser_for, member)
    assert (await browser.get("/account/two-step/add/carrier-pigeon")).status_code == 404
    bad = await browser.post("/account/two-step/add/sms", {"name": "x", "phone": "12"})
    assert bad.status_code == 400
    assert "The mobile number is not valid." in page_text(bad.text)
    assert 'value="12"' in bad.text
    await set_org(allowed_factors=["webauthn"])
    assert (await browser.get("/account/two-step/add/totp")).status_code == 403
    page = page_text((await browser.get("/account/security")).text)
    assert "Authenticator app" not in page
    signed_out = await browser_for().get("/account/two-step/add/totp")
    assert signed_out.status_code == 303
    assert signed_out.headers["location"].startswith("/signin?next=")
