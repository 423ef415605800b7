"""The authorization endpoint's refusals (oidc-provider-style negative cases) and the
token endpoint's, each through HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx

from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import ClientFactory
from tests.oidc.conftest import (
    REDIRECT,
    Registered,
    authorize_url,
    get_code,
    new_verifier,
    query_of,
    redeem,
    register,
)


async def test_wrong_redirect_uri_is_shown_to_the_person_not_redirected(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    for uri in ("https://evil.example/callback", REDIRECT + "/", REDIRECT + "?x=1"):
        response = await browser.get(authorize_url(app_client.id, redirect_uri=uri),
                                     headers={"accept": "text/html"})
        assert response.status_code == 400
        assert "location" not in response.headers
        assert 'data-code="INVALID_REQUEST"' in response.text
    unknown = await browser.get(authorize_url("mbc_nobody"))
    assert unknown.status_code == 400 and "location" not in unknown.headers


async def test_redirect_uri_mismatch_at_the_token_endpoint(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    verifier = new_verifier()
    code = await get_code(browser, app_client.id, verifier)
    response = await redeem(browser, app_client, code, verifier,
                            redirect_uri="https://app.example/other")
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_wrong_pkce_verifier(browser: httpx.AsyncClient, app_client: Registered) -> None:
    code = await get_code(browser, app_client.id, new_verifier())
    response = await redeem(browser, app_client, code, new_verifier())
    assert response.json() == {"error": "invalid_grant",
                               "error_description":
                                   "code_verifier does not match the code_challenge"}
    missing = await redeem(browser, app_client, await get_code(browser, app_client.id,
                                                               new_verifier()))
    assert missing.json()["error"] == "invalid_grant"


async def test_public_client_must_use_pkce_s256(runtime: Runtime,
                                                browser: httpx.AsyncClient) -> None:
    spa = await register(runtime, public=True, grants=("authorization_code",))
    response = await browser.get(authorize_url(spa.id))
    assert response.status_code == 303
    assert query_of(response)["error"] == "invalid_request"
    plain = await browser.get(authorize_url(spa.id, code_challenge="a" * 43,
                                            code_challenge_method="plain"))
    assert query_of(plain)["error_description"] == "code_challenge_method must be S256"
    verifier = new_verifier()
    code = await get_code(browser, spa.id, verifier)
    token = await browser.post("/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": spa.id, "code_verifier": verifier})
    assert token.status_code == 200, token.text
    assert "refresh_token" not in token.json()


async def test_reused_code_one_token_of_a_hundred_and_the_grant_revoked(
        browser: httpx.AsyncClient, app_client: Registered, client_for: ClientFactory) -> None:
    verifier = new_verifier()
    code = await get_code(browser, app_client.id, verifier)
    clients = [client_for() for _ in range(100)]
    responses = await asyncio.gather(*(redeem(c, app_client, code, verifier) for c in clients))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [400] * 99
    winner = next(r for r in responses if r.status_code == 200).json()
    # the code was presented again: what the first redemption got is revoked (RFC 6749 §4.1.2)
    seen = (await browser.post("/oauth/introspect", headers=app_client.basic(),
                               data={"token": winner["access_token"]})).json()
    assert seen == {"active": False}


async def test_expired_code(browser: httpx.AsyncClient, app_client: Registered,
                            clock: FrozenClock) -> None:
    verifier = new_verifier()
    code = await get_code(browser, app_client.id, verifier)
    clock.advance(timedelta(seconds=61))
    response = await redeem(browser, app_client, code, verifier)
    assert response.json() == {"error": "invalid_grant",
                               "error_description": "the code has expired"}


async def test_code_of_another_client(runtime: Runtime, browser: httpx.AsyncClient,
                                      app_client: Registered) -> None:
    other = await register(runtime, name="Other")
    verifier = new_verifier()
    code = await get_code(browser, app_client.id, verifier)
    response = await redeem(browser, other, code, verifier)
    assert response.json()["error"] == "invalid_grant"


async def test_prompt_none_without_a_session(client: httpx.AsyncClient,
                                             app_client: Registered) -> None:
    response = await client.get(authorize_url(app_client.id, prompt="none"))
    assert response.status_code == 303
    query = query_of(response)
    assert response.headers["location"].startswith(REDIRECT)
    assert query["error"] == "login_required" and query["state"] == "st-1"
    assert query["iss"] == "http://testserver"


async def test_no_session_goes_to_signin_and_comes_back(
        client: httpx.AsyncClient, app_client: Registered, member: object) -> None:
    response = await client.get(authorize_url(app_client.id, login_hint="hanako@acme.example"))
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert location.path == "/signin"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["login_hint"] == "hanako@acme.example"
    assert query["next"].startswith("/oauth/authorize?resume=")
    page = await client.get(response.headers["location"])
    assert 'value="hanako@acme.example"' in page.text


async def test_prompt_login_demands_a_new_authentication(
        browser: httpx.AsyncClient, app_client: Registered, clock: FrozenClock) -> None:
    clock.advance(timedelta(minutes=5))
    response = await browser.get(authorize_url(app_client.id, prompt="login"))
    assert urlsplit(response.headers["location"]).path == "/signin"
    resume = parse_qs(urlsplit(response.headers["location"]).query)["next"][0]
    # coming back with the old session does not count as the fresh sign-in
    again = await browser.get(resume)
    assert urlsplit(again.headers["location"]).path == "/signin"
    # a new sign-in after the request does
    clock.advance(timedelta(seconds=1))
    from monban.edge import cookies
    from tests.conftest import sign_in

    signed = await sign_in(browser, "hanako@acme.example")
    browser.cookies.set(cookies.SESSION, signed.json()["token"])
    done = await browser.get(resume)
    assert done.headers["location"].startswith(REDIRECT)
    assert "code" in query_of(done)


async def test_max_age(browser: httpx.AsyncClient, app_client: Registered,
                       clock: FrozenClock) -> None:
    ok = await browser.get(authorize_url(app_client.id, max_age="600"))
    assert ok.headers["location"].startswith(REDIRECT)
    clock.advance(timedelta(minutes=11))
    stale = await browser.get(authorize_url(app_client.id, max_age="600"))
    assert urlsplit(stale.headers["location"]).path == "/signin"
    none = await browser.get(authorize_url(app_client.id, max_age="600", prompt="none"))
    assert query_of(none)["error"] == "login_required"


async def test_consent_is_asked_once_per_client_and_scope(
        runtime: Runtime, browser: httpx.AsyncClient) -> None:
    app = await register(runtime, skip_consent=False)
    page = await browser.get(authorize_url(app.id, scope="openid profile"))
    assert page.status_code == 200 and 'data-page="oidc-consent"' in page.text
    assert "form-action 'self' https://app.example" in page.headers["content-security-policy"]
    none = await browser.get(authorize_url(app.id, scope="openid profile", prompt="none"))
    assert query_of(none)["error"] == "consent_required"
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    request = page.text.split('name="request" value="')[1].split('"')[0].replace("&amp;", "&")
    denied = await browser.post("/oauth/authorize/consent", data={
        "csrf": csrf, "request": request, "decision": "deny"})
    assert query_of(denied)["error"] == "access_denied"
    allowed = await browser.post("/oauth/authorize/consent", data={
        "csrf": csrf, "request": request, "decision": "allow"})
    assert "code" in query_of(allowed)
    # remembered: no page for the same scopes, a page again for a new one or prompt=consent
    again = await browser.get(authorize_url(app.id, scope="openid profile"))
    assert again.status_code == 303
    more = await browser.get(authorize_url(app.id, scope="openid email"))
    assert more.status_code == 200
    forced = await browser.get(authorize_url(app.id, scope="openid", prompt="consent"))
    assert forced.status_code == 200


async def test_redirect_errors_keep_state_and_say_what(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    cases = {
        "unsupported_response_type": {"response_type": "token"},
        "invalid_scope": {"scope": "openid admin"},
        "request_not_supported": {"request": "eyJ..."},
    }
    for error, extra in cases.items():
        response = await browser.get(authorize_url(app_client.id, **extra))
        query = query_of(response)
        assert query["error"] == error and query["state"] == "st-1", query
    repeated = await browser.get(authorize_url(app_client.id) + "&scope=openid",
                                 headers={"accept": "text/html"})
    assert repeated.status_code == 400


async def test_token_endpoint_errors(client: httpx.AsyncClient,
                                     app_client: Registered) -> None:
    json_body = await client.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert json_body.json()["error"] == "invalid_request"
    unknown = await client.post("/oauth/token", headers=app_client.basic(),
                                data={"grant_type": "password"})
    assert unknown.json()["error"] == "unsupported_grant_type"
    nobody = await client.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert nobody.status_code == 401 and nobody.json()["error"] == "invalid_client"
    basic_bad = await client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                  headers={"Authorization": "Basic !!!"})
    assert basic_bad.status_code == 401 and "www-authenticate" in basic_bad.headers
    scope = await client.post("/oauth/token", headers=app_client.basic(),
                              data={"grant_type": "client_credentials", "scope": "admin"})
    assert scope.json()["error"] == "invalid_scope"


async def test_grants_and_failures_are_audited_without_secrets(
        runtime: Runtime, client: httpx.AsyncClient, app_client: Registered) -> None:
    await client.post("/oauth/token", headers=app_client.basic(),
                      data={"grant_type": "client_credentials"})
    await client.post("/oauth/token", data={"grant_type": "client_credentials",
                                            "client_id": app_client.id,
                                            "client_secret": "mbs_guess"})
    from monban.store import audit

    await runtime.oidc.flush_audit()  # successful machine grants are written in batches
    events = await runtime.db.run(audit.query, audit.AuditQuery(limit=10), write=False)
    tokens = [e for e in events if e.event == "oidc.token"]
    assert {e.outcome for e in tokens} == {"success", "failure"}
    dumped = repr(events)
    assert app_client.secret not in dumped and "mbs_guess" not in dumped


async def test_after_monbans_own_forms_the_way_back_is_a_refresh_page(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    """A 303 to the app after the password form would break the form's CSP form-action."""
    response = await browser.get(authorize_url(app_client.id),
                                 headers={"sec-fetch-site": "same-origin"})
    assert response.status_code == 200
    assert 'data-page="oidc-continue"' in response.text
    assert '<meta http-equiv="refresh" content="0;url=https://app.example/callback?code=' \
        in response.text
    cross = await browser.get(authorize_url(app_client.id),
                              headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 303


async def test_a_parked_request_resumes_only_in_its_browser(
        browser: httpx.AsyncClient, client_for: ClientFactory, app_client: Registered,
        clock: FrozenClock) -> None:
    """Issue 12.2: `?resume=` names a parked flow; another browser, even one signed in as
    someone, finds nothing there."""
    clock.advance(timedelta(minutes=5))
    response = await browser.get(authorize_url(app_client.id, prompt="login"))
    resume = parse_qs(urlsplit(response.headers["location"]).query)["next"][0]
    other = client_for(ip="203.0.113.66")
    other.headers["user-agent"] = browser.headers["user-agent"]
    stolen = await other.get(resume)
    assert stolen.status_code == 410 and "FLOW_EXPIRED" in stolen.text
    again = await browser.get(resume)  # its own browser: back to sign in (prompt=login)
    assert again.status_code == 303 and urlsplit(again.headers["location"]).path == "/signin"
