"""The admin console's two-step verification settings, and what they do to signing in."""

from __future__ import annotations

import pytest

from monban.accounts.model import Account, Org
from monban.runtime import Runtime
from tests.conftest import Updater

from .conftest import BrowserFactory, page_text, signed_in

ORG = "/admin/orgs/acme"


def mfa_form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    form: dict[str, str | list[str]] = {
        "allowed_factors": ["totp", "sms", "webauthn", "backup_code"],
        "trusted_browser_days": "180", "totp_max_drift_steps": "10"}
    return {**form, **changes}


@pytest.mark.parametrize(("lang", "words"), [
    ("ja", ["2段階認証", "すべてのメンバーに2段階認証を必須にする", "メンバーが使用できる認証方法",
            "メールで送信するコードを2段階認証に使用することを許可する",
            "バックアップ認証コードを許可する", "ブラウザーを信頼する期間(日)",
            "認証アプリの時刻のずれの許容範囲(30秒単位)", "2段階認証の設定を保存"]),
    ("en", ["Two-step verification", "Require two-step verification for every member",
            "Methods members may use", "Allow email codes as a second step",
            "Allow backup verification codes", "Trusted browser period (days)",
            "Authenticator app clock drift (30-second steps)", "Save two-step settings"]),
])
async def test_mfa_card_in_both_languages(browser_for: BrowserFactory, runtime: Runtime,
                                          admin: Account, lang: str,
                                          words: list[str]) -> None:
    await runtime.directory.update_account(admin, language=lang)
    page = await (await signed_in(browser_for, admin)).get(ORG)
    text = page_text(page.text.split('id="two-step"')[1].split("</section>")[0])
    for word in words:
        assert word in text


async def test_mfa_settings_persist(browser_for: BrowserFactory, runtime: Runtime,
                                    admin: Account, org: Org, set_org: Updater) -> None:
    await set_org(allowed_factors=["totp", "sms", "webauthn", "backup_code", "push"])
    browser = await signed_in(browser_for, admin)
    saved = await browser.post(f"{ORG}/mfa", mfa_form(
        mfa_required_roles=["admin", "owner"], allowed_factors=["totp", "webauthn", "email"],
        trusted_browser_days="30", totp_max_drift_steps="4"))
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{ORG}?notice=settings_saved#two-step"
    settings = (await runtime.directory.org("acme")).settings
    assert settings.mfa_required is False
    assert settings.mfa_required_roles == ["admin", "owner"]
    assert settings.allowed_factors == ["email", "push", "totp", "webauthn"]  # push is kept
    assert (settings.trusted_browser_days, settings.totp_max_drift_steps) == (30, 4)
    page = await browser.get(ORG)
    card = page.text.split('id="two-step"')[1].split("</section>")[0]
    assert 'value="email" checked' in card and 'value="backup_code">' in card
    assert 'name="trusted_browser_days" value="30"' in card
    everyone = await browser.post(f"{ORG}/mfa", mfa_form(mfa_required="1"))
    assert everyone.status_code == 303
    assert (await runtime.directory.org("acme")).settings.mfa_required is True


async def test_invalid_mfa_settings_are_refused(browser_for: BrowserFactory, runtime: Runtime,
                                                admin: Account) -> None:
    browser = await signed_in(browser_for, admin)
    for bad in ({"trusted_browser_days": "many"}, {"totp_max_drift_steps": "0"}):
        answer = await browser.post(f"{ORG}/mfa", mfa_form(**bad))
        assert answer.status_code == 400
        assert "The request is not valid." in page_text(answer.text)
    assert (await runtime.directory.org("acme")).settings.totp_max_drift_steps == 10


async def test_only_admins_change_mfa_settings(browser_for: BrowserFactory, runtime: Runtime,
                                               support: Account, member: Account) -> None:
    staff = await signed_in(browser_for, support)
    page = await staff.get(ORG)
    card = page.text.split('id="two-step"')[1].split("</section>")[0]
    assert "disabled" in card and "Save two-step settings" not in page_text(card)
    assert (await staff.post(f"{ORG}/mfa", mfa_form(mfa_required="1"))).status_code == 403
    outsider = await signed_in(browser_for, member)
    assert (await outsider.post(f"{ORG}/mfa", mfa_form(mfa_required="1"))).status_code == 403
    assert (await runtime.directory.org("acme")).settings.mfa_required is False


async def test_required_by_role(browser_for: BrowserFactory, admin: Account, member: Account,
                                set_org: Updater) -> None:
    pytest.importorskip("monban.factors.totp")
    await set_org(mfa_required_roles=["admin"])
    asked = await browser_for().sign_in(admin.label)
    assert asked.headers["location"].startswith("/signin/mfa?")
    free = await browser_for().sign_in(member.label)
    assert free.headers["location"] == "/account/security"
