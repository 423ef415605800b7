"""Issue #12 (6): the CSRF token is bound by HMAC to the session (signed in) or to the
pre-session cookie (sign-in forms), renewed at sign-in; a planted cookie echoed back in the
header or the form field no longer passes, on the JSON API and on the pages."""

from __future__ import annotations

import re

import httpx

from monban.accounts.model import Account
from monban.edge import cookies
from tests.conftest import PASSWORD, ClientFactory, sign_in

HTML = {"accept": "text/html"}


def form_token(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)


async def test_planted_cookie_echoed_in_the_header_is_refused(
        client: httpx.AsyncClient, member: Account) -> None:
    """The reproduction: `Cookie: monban_csrf=zzzz` + `X-CSRF-Token: zzzz` with a valid
    session cookie."""
    assert (await sign_in(client, member.email or "")).status_code == 200
    client.cookies.set(cookies.CSRF, "z" * 43)
    refused = await client.post("/api/v1/me/sessions/end-others",
                                headers={"x-csrf-token": "z" * 43})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "CSRF_CHECK_FAILED"


async def test_planted_cookie_echoed_in_a_form_is_refused(
        client: httpx.AsyncClient, member: Account) -> None:
    assert (await sign_in(client, member.email or "")).status_code == 200
    client.cookies.set(cookies.CSRF, "z" * 43)
    refused = await client.post("/account/sessions/end-others", headers=HTML,
                                data={"csrf": "z" * 43})
    assert refused.status_code == 403 and "CSRF_CHECK_FAILED" in refused.text
    page = await client.get("/account/security", headers=HTML)
    done = await client.post("/account/sessions/end-others", headers=HTML,
                             data={"csrf": form_token(page)})
    assert done.status_code == 303


async def test_the_pre_session_cookie_is_not_the_token(client: httpx.AsyncClient,
                                                       member: Account) -> None:
    page = await client.get("/signin", headers=HTML)
    cookie = client.cookies.get(cookies.CSRF) or ""
    token = form_token(page)
    assert cookie and token != cookie
    echoed = await client.post("/signin", headers=HTML,
                               data={"csrf": cookie, "identifier": member.email or ""})
    assert echoed.status_code == 403 and "CSRF_CHECK_FAILED" in echoed.text
    started = await client.post("/signin", headers=HTML,
                                data={"csrf": token, "identifier": member.email or ""})
    assert started.status_code == 303


async def test_signing_in_renews_the_token(client: httpx.AsyncClient,
                                           member: Account) -> None:
    before = form_token(await client.get("/signin", headers=HTML))
    assert (await sign_in(client, member.email or "")).status_code == 200
    after = (await client.get("/api/v1/me/csrf-token")).json()["csrf_token"]
    assert after != before
    assert form_token(await client.get("/account/security", headers=HTML)) == after
    stale = await client.post("/api/v1/me/sessions/end-others",
                              headers={"x-csrf-token": before})
    assert stale.status_code == 403
    fresh = await client.post("/api/v1/me/sessions/end-others",
                              headers={"x-csrf-token": after})
    assert fresh.status_code == 200


async def test_one_sessions_token_is_worthless_in_another(client_for: ClientFactory,
                                                          member: Account,
                                                          admin: Account) -> None:
    attacker, victim = client_for("198.51.100.7"), client_for("198.51.100.8")
    assert (await sign_in(attacker, admin.email or "")).status_code == 200
    assert (await sign_in(victim, member.email or "", PASSWORD)).status_code == 200
    stolen = (await attacker.get("/api/v1/me/csrf-token")).json()["csrf_token"]
    victim.cookies.set(cookies.CSRF, stolen)
    refused = await victim.post("/api/v1/me/sessions/end-others",
                                headers={"x-csrf-token": stolen})
    assert refused.status_code == 403
