"""The recovery pages: /recover for a forgotten password, a lost second factor and one's own
IP restriction; the security page's recovery contacts; an org's staff resetting a member.
Codes are read from a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.config import Settings
from monban.factors.base import FactorRecord
from monban.runtime import Runtime
from monban.store import accounts
from monban.store import factors as factor_store
from monban.store.ids import new_id
from tests.conftest import PASSWORD, Updater
from tests.factors.sms_provider import MailServer
from tests.recovery.conftest import RECOVERY_EMAIL, add_verified, last_code_to, mails_to

from .conftest import BrowserFactory, hidden, page_links, page_text, signed_in

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer.running() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, mail: MailServer) -> Settings:
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": mail.port,
                                       "smtp_starttls": False})


async def _to_code(browser: object, identifier: str, purpose: str = "password") -> str:
    """Start, send the code to the first contact; the flow page's URL."""
    from tests.web.conftest import Browser

    assert isinstance(browser, Browser)
    started = await browser.post("/recover", {"identifier": identifier, "purpose": purpose})
    assert started.status_code == 303, page_text(started.text)
    page = await browser.get(started.headers["location"])
    assert 'data-state="r_choose"' in page.text
    sent = await browser.post("/recover/send", {
        "flow": hidden(page.text, "flow"), "contact_id": hidden(page.text, "contact_id")})
    assert sent.status_code == 303, page_text(sent.text)
    return str(sent.headers["location"])


async def test_forgot_password_pages_end_to_end(member: Account, runtime: Runtime,
                                                browser_for: BrowserFactory,
                                                mail: MailServer) -> None:
    await add_verified(runtime, member)
    browser = browser_for(lang="en")
    form = await browser.get("/recover")
    assert form.status_code == 200 and "Reset your password" in page_text(form.text)
    url = await _to_code(browser, member.label)
    page = await browser.get(url)
    text = page_text(page.text)
    assert "We sent a code to h•••@example.net" in text
    flow = hidden(page.text, "flow")
    typo = await browser.post("/recover/verify", {"flow": flow, "code": "000000"})
    assert typo.status_code == 401 and "Incorrect verification code." in page_text(typo.text)
    code = last_code_to(mail, RECOVERY_EMAIL)
    step = await browser.post("/recover/verify", {"flow": flow, "code": code})
    page = await browser.get(step.headers["location"])
    assert 'data-state="r_new_password"' in page.text
    assert "needs at least 15 characters" in page_text(page.text)
    mismatch = await browser.post("/recover/new-password", {
        "flow": flow, "password": NEW_PASSWORD, "confirm": "something else"})
    assert mismatch.status_code == 400
    done = await browser.post("/recover/new-password", {
        "flow": flow, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and browser.session_cookie()
    assert done.headers["location"] == "/account/security?notice=password_changed"
    security = await browser.get(done.headers["location"])
    assert "Your password has been changed." in page_text(security.text)


async def test_japanese_pages_and_no_recovery_option(member: Account, admin: Account,
                                                     runtime: Runtime,
                                                     browser_for: BrowserFactory) -> None:
    await runtime.directory.update_account(member, language="ja")
    browser = browser_for(lang="ja")
    answer = await browser.post("/recover", {"identifier": member.label, "purpose": "password"})
    assert answer.status_code == 409
    text = page_text(answer.text)
    assert "復元用メールアドレスまたは携帯電話番号が登録されていません。" in text
    assert "所属する組織の管理者にパスワードのリセットを依頼してください。" in text
    # an anonymous caller learns no staff names or addresses (nor the org's name)
    assert "admin@acme.example" not in answer.text and "Admin" not in text
    assert "Acme" not in text


async def test_self_reset_forbidden_page(member: Account, runtime: Runtime, set_org: Updater,
                                         browser_for: BrowserFactory) -> None:
    await add_verified(runtime, member)
    await set_org(self_reset_allowed=False)
    answer = await browser_for(lang="en").post("/recover", {"identifier": member.label})
    assert answer.status_code == 403
    assert "doesn't allow users to reset their password" in page_text(answer.text)
    assert "/help/errors/SELF_RESET_NOT_ALLOWED" in page_links(answer.text)


async def test_lost_factor_pages(member: Account, runtime: Runtime, clock: FrozenClock,
                                 browser_for: BrowserFactory, mail: MailServer) -> None:
    await add_verified(runtime, member)
    browser = browser_for(lang="en")
    url = await _to_code(browser, member.label, "mfa")
    flow = url.split("flow=")[1].split("&")[0]
    step = await browser.post("/recover/verify", {
        "flow": flow, "code": last_code_to(mail, RECOVERY_EMAIL)})
    page = await browser.get(step.headers["location"])
    assert 'data-state="r_password"' in page.text
    done = await browser.post("/recover/signin", {"flow": flow, "password": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/account/security#two-step"
    security = page_text((await browser.get("/account/security")).text)
    assert "Set up two-step verification again below" in security
    clock.advance(timedelta(minutes=1))  # a new method, enrolled after the recovery
    await runtime.db.run(factor_store.insert, FactorRecord(
        id=new_id(), account_id=member.id, kind="totp", name="New phone", target=None,
        secret=None, credential_id=None, data={}, preferred=False, created_at=clock.now(),
        last_used_at=None))
    security = page_text((await browser.get("/account/security")).text)
    assert "Set up two-step verification again below" not in security
    stored = await runtime.db.run(accounts.get, member.id)
    assert stored is not None and not stored.must_enroll_mfa


async def test_ip_restriction_pages(member: Account, runtime: Runtime,
                                    browser_for: BrowserFactory, mail: MailServer) -> None:
    await runtime.directory.add_ip_rule("account", member.id, "10.0.0.0/8", "Office")
    await add_verified(runtime, member)
    browser = browser_for(lang="en")
    url = await _to_code(browser, member.label, "ip")
    flow = url.split("flow=")[1].split("&")[0]
    step = await browser.post("/recover/verify", {
        "flow": flow, "code": last_code_to(mail, RECOVERY_EMAIL)})
    page = await browser.get(step.headers["location"])
    assert "10.0.0.0/8" in page_text(page.text)
    cleared = await browser.post("/recover/allowed-ips/remove", {"flow": flow})
    page = await browser.get(cleared.headers["location"])
    assert "Your allowed IP addresses have been changed" in page_text(page.text)
    assert await runtime.directory.ip_rules("account", member.id) == []
    assert (await browser.sign_in(member.label)).status_code == 303


async def test_security_page_recovery_contacts(member: Account, browser_for: BrowserFactory,
                                               mail: MailServer) -> None:
    browser = await signed_in(browser_for, member)
    page = page_text((await browser.get("/account/security")).text)
    assert "You have no recovery email address or mobile number" in page
    wrong = await browser.post("/account/recovery-contacts/add", {
        "contact": RECOVERY_EMAIL, "password": "not it"})
    assert wrong.status_code == 401 and "Incorrect password." in page_text(wrong.text)
    added = await browser.post("/account/recovery-contacts/add", {
        "contact": RECOVERY_EMAIL, "password": PASSWORD})
    assert added.headers["location"] == "/account/security?notice=contact_code_sent#recovery"
    page = await browser.get(added.headers["location"])
    assert "Not confirmed" in page_text(page.text)
    contact = hidden(page.text, "contact")
    done = await browser.post("/account/recovery-contacts/verify", {
        "contact": contact, "code": last_code_to(mail, RECOVERY_EMAIL)})
    page = page_text((await browser.get(done.headers["location"])).text)
    assert "The recovery contact has been added." in page and "Confirmed" in page
    assert "You have no recovery email address" not in page
    removed = await browser.post("/account/recovery-contacts/remove", {"contact": contact})
    assert "contact_removed" in removed.headers["location"]


async def test_staff_reset_buttons(member: Account, admin: Account, org: Org, runtime: Runtime,
                                   browser_for: BrowserFactory, mail: MailServer) -> None:
    browser = await signed_in(browser_for, admin)
    url = f"/admin/orgs/{org.slug}/members/{member.id}"
    page = page_text((await browser.get(url)).text)
    assert "Help the member get back in" in page
    generated = await browser.post(f"{url}/reset-password", {"password": "",
                                                             "force_change": "1"})
    assert generated.status_code == 200
    shown = generated.text.split("data-shown>")[1].split("<")[0]
    assert len(shown) == 23
    stored = await runtime.db.run(accounts.get, member.id)
    assert stored is not None and stored.must_change_password
    mfa = await browser.post(f"{url}/reset-mfa")
    assert "Two-step verification has been reset" in page_text(mfa.text)
    code = await browser.post(f"{url}/backup-code")
    assert len(code.text.split("data-shown>")[1].split("<")[0]) == 14
    assert [m["Subject"] for m in mails_to(mail, "hanako@acme.example")] == [
        "[Monban] Your password was changed", "[Monban] Your two-step verification was reset",
        "[Monban] A backup verification code was issued"]
    own = page_text((await browser.get(f"/admin/orgs/{org.slug}/members/{admin.id}")).text)
    assert "Help the member get back in" not in own


async def test_help_links_lead_to_recovery(browser_for: BrowserFactory) -> None:
    browser = browser_for(lang="en")
    ip = await browser.get("/help/errors/IP_NOT_ALLOWED")
    assert "/recover?purpose=ip" in page_links(ip.text)
    otp = await browser.get("/help/errors/INVALID_OTP")
    assert "/recover?purpose=mfa" in page_links(otp.text)
    wrong_password = await browser.get("/help/errors/INVALID_CREDENTIALS")
    assert "/recover" in page_links(wrong_password.text)
    for target in ("/recover?purpose=ip", "/recover?purpose=mfa"):
        assert (await browser.get(target)).status_code == 200
