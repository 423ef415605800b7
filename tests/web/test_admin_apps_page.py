"""The admin console's Apps page: register an app (the secret shown once), edit it, make a
new secret, remove it; members and other orgs' admins are refused."""

from __future__ import annotations

import re

import httpx

from monban.accounts.model import Account
from monban.runtime import Runtime

from .conftest import BrowserFactory, page_text, signed_in

APPS = "/admin/orgs/acme/apps"


def form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {
        "kind": "confidential", "name": "Expenses",
        "redirect_uris": "https://expenses.acme.example/cb\nhttp://127.0.0.1:8080/cb",
        "post_logout_redirect_uris": "", "scopes": ["openid", "profile"],
        "grants": ["authorization_code", "refresh_token"], "signing_alg": "ES256",
        "access_token_ttl": "600", "refresh_token_ttl": "2592000"}
    values.update(changes)
    return values


async def test_register_edit_rotate_remove(browser_for: BrowserFactory, admin: Account,
                                           runtime: Runtime) -> None:
    browser = await signed_in(browser_for, admin)
    org_page = await browser.get("/admin/orgs/acme")
    assert APPS in org_page.text
    created = await browser.post(APPS, form())
    assert created.status_code == 201, page_text(created.text)
    client_id = re.search(r'id="client-id">([^<]+)<', created.text).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="client-secret">([^<]+)<', created.text).group(1)  # type: ignore[union-attr]
    assert secret.startswith("mbs_")
    # the secret works at the token endpoint, and is never shown again
    token = await browser.client.post("/oauth/token", auth=(client_id, secret),
                                      data={"grant_type": "client_credentials"})
    assert token.json()["error"] == "unauthorized_client"  # not ticked on the form
    listing = await browser.get(APPS)
    assert client_id in listing.text and secret not in listing.text
    page = await browser.get(f"{APPS}/{client_id}")
    assert page.status_code == 200 and secret not in page.text

    saved = await browser.post(f"{APPS}/{client_id}", form(
        name="Expenses 2", grants=["authorization_code", "client_credentials"],
        allow_webview="1", action="save"))
    assert saved.status_code == 200 and "Saved." in saved.text
    client = await runtime.oidc.client(client_id)
    assert client is not None and client.name == "Expenses 2" and client.allow_webview
    token = await browser.client.post("/oauth/token", auth=(client_id, secret),
                                      data={"grant_type": "client_credentials"})
    assert token.status_code == 200

    bad = await browser.post(f"{APPS}/{client_id}", form(redirect_uris="http://evil.example/cb",
                                                         action="save"))
    assert bad.status_code == 400 and 'data-code="INVALID_REQUEST"' in bad.text

    rotated = await browser.post(f"{APPS}/{client_id}", {"action": "rotate_secret"})
    new_secret = re.search(r'id="client-secret">([^<]+)<', rotated.text).group(1)  # type: ignore[union-attr]
    assert new_secret != secret
    old = await browser.client.post("/oauth/token", auth=(client_id, secret),
                                    data={"grant_type": "client_credentials"})
    assert old.status_code == 401

    removed = await browser.post(f"{APPS}/{client_id}", {"action": "delete"})
    assert removed.status_code == 303 and "app_deleted" in removed.headers["location"]
    assert (await browser.get(removed.headers["location"])).text.count(client_id) == 0


async def test_members_and_other_orgs_are_refused(browser_for: BrowserFactory,
                                                  member: Account, runtime: Runtime,
                                                  client_for: object) -> None:
    browser = await signed_in(browser_for, member)
    page = await browser.get(APPS)
    assert page.status_code == 403 and 'data-code="PERMISSION_DENIED"' in page.text
    posted = await browser.post(APPS, form())
    assert posted.status_code == 403
    assert isinstance(browser.client, httpx.AsyncClient)


async def test_the_page_in_japanese(browser_for: BrowserFactory, admin: Account,
                                    runtime: Runtime) -> None:
    await runtime.directory.update_account(admin, language="ja")
    browser = await signed_in(browser_for, admin, lang="ja")
    page = await browser.get(APPS)
    assert "Monbanでサインインするアプリ" in page.text and "アプリを登録" in page.text
