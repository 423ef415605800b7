"""An admin asks why a member's mail client cannot connect: the mail login is in the
diagnosis, with its code and the fix (an app password)."""

from __future__ import annotations

import httpx
import pytest

from monban.accounts.model import Account
from monban.config import Settings
from tests.conftest import PASSWORD, token_for
from tests.mail import MAIL_TOKEN, mail_login


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.mail_auth_token = MAIL_TOKEN
    return settings


async def test_a_refused_mail_login_is_explained(client: httpx.AsyncClient, member: Account,
                                                 admin: Account, set_org) -> None:  # type: ignore[no-untyped-def]
    headers = await token_for(client, admin.email or "")
    await set_org(mfa_required=True)
    refused = await mail_login(client, member.email or "", PASSWORD)
    assert refused.status_code == 401
    body = (await client.get("/api/v1/orgs/acme/diagnose", headers=headers,
                             params={"account": member.email})).json()
    attempt = next(a for a in body["attempts"] if a["code"] == "APP_PASSWORD_REQUIRED")
    explanation = attempt["explanation"]
    assert (attempt["event"], explanation["code"], explanation["policy"]) == (
        "mail.login", "APP_PASSWORD_REQUIRED", "mail_app_password")
    assert "multi-factor authentication is on" in explanation["reason"]
    assert "generate an app-specific password" in explanation["who"][0]
    assert [s["policy"] for s in explanation["steps"]] == [
        "attempt_lockout", "password", "mail_app_password"]
