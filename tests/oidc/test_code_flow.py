"""The authorization code flow in-process: discovery, code + PKCE, ID token checked with the
JWKS, refresh rotation, UserInfo, introspection, revocation, logout."""

from __future__ import annotations

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from monban.accounts.model import Account
from monban.clock import FrozenClock
from tests.oidc.conftest import REDIRECT, Registered, get_code, new_verifier, redeem


async def keyset(web: httpx.AsyncClient) -> KeySet:
    return KeySet.import_key_set((await web.get("/oauth/jwks")).json())


async def test_discovery_names_every_endpoint(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/.well-known/openid-configuration")).json()
    assert doc["issuer"] == "http://testserver"
    assert doc["token_endpoint"] == "http://testserver/oauth/token"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    jwks = (await client.get("/oauth/jwks")).json()
    assert {k["alg"] for k in jwks["keys"]} == {"ES256", "RS256"}
    assert all("d" not in k for k in jwks["keys"])


async def test_code_flow_with_pkce_gives_verified_id_token(
        browser: httpx.AsyncClient, app_client: Registered, member: Account,
        clock: FrozenClock) -> None:
    verifier = new_verifier()
    code = await get_code(browser, app_client.id, verifier)
    response = await redeem(browser, app_client, code, verifier)
    assert response.status_code == 200, response.text
    body = response.json()
    assert response.headers["cache-control"] == "no-store"
    assert body["token_type"] == "Bearer" and body["refresh_token"]
    token = jwt.decode(body["id_token"], await keyset(browser), algorithms=["ES256"])
    claims = token.claims
    assert token.header["alg"] == "ES256"
    assert claims["sub"] == member.id and claims["aud"] == app_client.id
    assert claims["nonce"] == "n-1" and claims["name"] == "Hanako"
    assert claims["amr"] == ["pwd"] and claims["acr"] == "urn:monban:acr:1"
    assert claims["auth_time"] <= int(clock.now().timestamp())
    access = jwt.decode(body["access_token"], await keyset(browser), algorithms=["ES256"])
    assert access.header["typ"] == "at+jwt" and access.claims["client_id"] == app_client.id

    info = await browser.get("/oauth/userinfo",
                             headers={"Authorization": f"Bearer {body['access_token']}"})
    assert info.status_code == 200
    assert info.json() == {"sub": member.id, "name": "Hanako", "locale": "en",
                           "zoneinfo": member.timezone, "email": "hanako@acme.example",
                           "email_verified": False}


async def test_refresh_rotates_and_reuse_revokes_the_family(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    verifier = new_verifier()
    first = (await redeem(browser, app_client,
                          await get_code(browser, app_client.id, verifier), verifier)).json()
    rotated = await browser.post("/oauth/token", headers=app_client.basic(), data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]

    reused = await browser.post("/oauth/token", headers=app_client.basic(), data={
        "grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    # the whole family is gone: the newest refresh token and the access tokens too
    again = await browser.post("/oauth/token", headers=app_client.basic(), data={
        "grant_type": "refresh_token", "refresh_token": second["refresh_token"]})
    assert again.json()["error"] == "invalid_grant"
    info = await browser.get("/oauth/userinfo",
                             headers={"Authorization": f"Bearer {second['access_token']}"})
    assert info.status_code == 401
    assert 'error="invalid_token"' in info.headers["www-authenticate"]
    seen = await browser.post("/oauth/introspect", headers=app_client.basic(),
                              data={"token": second["access_token"]})
    assert seen.json() == {"active": False}


async def test_introspection_and_revocation(browser: httpx.AsyncClient,
                                            app_client: Registered) -> None:
    verifier = new_verifier()
    tokens = (await redeem(browser, app_client,
                           await get_code(browser, app_client.id, verifier), verifier)).json()
    seen = (await browser.post("/oauth/introspect", headers=app_client.basic(),
                               data={"token": tokens["access_token"]})).json()
    assert seen["active"] is True and seen["client_id"] == app_client.id
    seen = (await browser.post("/oauth/introspect", headers=app_client.basic(),
                               data={"token": tokens["refresh_token"],
                                     "token_type_hint": "refresh_token"})).json()
    assert seen["active"] is True and seen["token_type"] == "refresh_token"
    unauthenticated = await browser.post("/oauth/introspect",
                                         data={"token": tokens["access_token"]})
    assert unauthenticated.status_code == 401
    revoked = await browser.post("/oauth/revoke", headers=app_client.basic(),
                                 data={"token": tokens["refresh_token"]})
    assert revoked.status_code == 200
    for token in (tokens["access_token"], tokens["refresh_token"]):
        seen = (await browser.post("/oauth/introspect", headers=app_client.basic(),
                                   data={"token": token})).json()
        assert seen == {"active": False}


async def test_client_credentials(client: httpx.AsyncClient, app_client: Registered) -> None:
    response = await client.post("/oauth/token", headers=app_client.basic(),
                                 data={"grant_type": "client_credentials", "scope": "profile"})
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    seen = (await client.post("/oauth/introspect", headers=app_client.basic(),
                              data={"token": token})).json()
    assert seen["active"] is True and seen["sub"] == app_client.id
    assert seen["scope"] == "profile"
    # a machine token stands for no person
    info = await client.get("/oauth/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert info.status_code == 401
    wrong = await client.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app_client.id,
        "client_secret": "mbs_wrong"})
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    post = await client.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app_client.id,
        "client_secret": app_client.secret})
    assert post.status_code == 200


async def test_logout_with_id_token_hint_ends_the_session(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    verifier = new_verifier()
    tokens = (await redeem(browser, app_client,
                           await get_code(browser, app_client.id, verifier), verifier)).json()
    response = await browser.get("/oauth/logout", params={
        "id_token_hint": tokens["id_token"], "state": "s2",
        "post_logout_redirect_uri": "https://app.example/bye"})
    assert response.status_code == 303
    assert response.headers["location"] == "https://app.example/bye?state=s2"
    me = await browser.get("/api/v1/me")
    assert me.status_code == 401
    assert REDIRECT  # the callback is untouched by logout


async def test_housekeeping_sweeps_expired_codes_and_refresh_tokens(
        runtime: object, browser: httpx.AsyncClient, app_client: Registered,
        clock: FrozenClock) -> None:
    from datetime import timedelta

    from monban.housekeeping import sweep

    verifier = new_verifier()
    await redeem(browser, app_client, await get_code(browser, app_client.id, verifier), verifier)
    clock.advance(timedelta(days=32))
    swept = await sweep(runtime)  # type: ignore[arg-type]
    assert swept.codes >= 2  # the code and the refresh token


async def test_logout_without_hint_asks_first(browser: httpx.AsyncClient,
                                              app_client: Registered) -> None:
    page = await browser.get("/oauth/logout", params={
        "client_id": app_client.id, "post_logout_redirect_uri": "https://app.example/bye"})
    assert page.status_code == 200 and 'data-page="oidc-logout"' in page.text
    assert (await browser.get("/api/v1/me")).status_code == 200  # not signed out by a GET
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    done = await browser.post("/oauth/logout", data={
        "csrf": csrf, "location": "https://app.example/bye", "client_id": app_client.id})
    assert done.status_code == 303 and done.headers["location"] == "https://app.example/bye"
    assert (await browser.get("/api/v1/me")).status_code == 401
