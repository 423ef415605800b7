"""What real relying-party libraries found broken (issue 12), through HTTP: the authorization
request sent as a form post (OpenID Connect Core §3.1.2.1), RP-initiated logout that asks
before ending a session it was not proven to own (RP-Initiated Logout 1.0 §2), and the
consent page naming the person in their account's language."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from monban.accounts.model import Account, Org, Role
from monban.edge import cookies
from monban.runtime import Runtime
from tests.conftest import PASSWORD, ClientFactory, sign_in
from tests.oidc.conftest import (
    CHROME,
    REDIRECT,
    Registered,
    authorize_url,
    get_code,
    new_verifier,
    query_of,
    redeem,
    register,
)

BYE = "https://app.example/bye"


async def signed_in_browser(client_for: ClientFactory, email: str, **headers: str
                            ) -> httpx.AsyncClient:
    web = client_for(lang=headers.pop("lang", "en"))
    web.headers["user-agent"] = CHROME
    web.headers.update(headers)
    response = await sign_in(web, email)
    assert response.status_code == 200, response.text
    web.cookies.set(cookies.SESSION, response.json()["token"])
    return web


async def id_token_of(web: httpx.AsyncClient, reg: Registered) -> str:
    verifier = new_verifier()
    tokens = (await redeem(web, reg, await get_code(web, reg.id, verifier), verifier)).json()
    token: str = tokens["id_token"]
    return token


async def still_signed_in(web: httpx.AsyncClient) -> bool:
    return (await web.get("/api/v1/me")).status_code == 200


@pytest.fixture
async def taro(runtime: Runtime, org: Org) -> Account:
    return await runtime.directory.create_account(
        display_name="Taro", email="taro@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language="en")


# -- POST /oauth/authorize -------------------------------------------------------------------

def form_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


async def test_a_posted_authorization_request_is_handled_like_a_get(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    """Before: 405. The relying party's page posts the form cross-site (no CSRF token, and
    a SameSite=Lax session cookie would not come with it): Monban answers 303 to the same
    request as a GET, which carries the cookie and ends at the app with a code."""
    verifier = new_verifier()
    form = form_of(authorize_url(app_client.id, verifier, login_hint="hanako@acme.example"))
    posted = await browser.post("/oauth/authorize", data=form,
                                headers={"origin": "https://app.example",
                                         "sec-fetch-site": "cross-site"})
    assert posted.status_code == 303, posted.text
    target = posted.headers["location"]
    assert target.startswith("/oauth/authorize?") and form_of(target) == form
    answer = await browser.get(target)
    assert answer.status_code == 303 and answer.headers["location"].startswith(REDIRECT)
    query = query_of(answer)
    assert query["state"] == "st-1"
    tokens = await redeem(browser, app_client, query["code"], verifier)
    assert tokens.status_code == 200 and "id_token" in tokens.json()


async def test_a_posted_request_from_a_browser_without_session_goes_to_sign_in(
        client: httpx.AsyncClient, app_client: Registered) -> None:
    posted = await client.post("/oauth/authorize", data=form_of(authorize_url(app_client.id)))
    answer = await client.get(posted.headers["location"])
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin?")


async def test_posted_errors_are_the_get_errors(client: httpx.AsyncClient,
                                                app_client: Registered) -> None:
    unknown = await client.post("/oauth/authorize", data={
        "response_type": "code", "client_id": "mbc_nobody", "redirect_uri": REDIRECT})
    page = await client.get(unknown.headers["location"])
    assert page.status_code == 400 and 'data-code="INVALID_REQUEST"' in page.text
    repeated = await client.post(
        "/oauth/authorize", content=f"client_id={app_client.id}&client_id=x",
        headers={"content-type": "application/x-www-form-urlencoded"})
    assert repeated.status_code == 400 and 'data-code="INVALID_REQUEST"' in repeated.text
    as_json = await client.post("/oauth/authorize", json={"client_id": app_client.id})
    assert as_json.status_code == 400
    bad_bytes = await client.post("/oauth/authorize", content=b"client_id=\xff\xfe",
                                  headers={"content-type": "application/x-www-form-urlencoded"})
    assert bad_bytes.status_code == 400
    huge = await client.post("/oauth/authorize", data={"state": "x" * 9000})
    assert huge.status_code == 413


async def test_a_posted_request_cannot_smuggle_a_parked_flow(
        client: httpx.AsyncClient, app_client: Registered) -> None:
    """`resume` is Monban's own parameter: a form post does not carry it along."""
    posted = await client.post("/oauth/authorize", data={
        **form_of(authorize_url(app_client.id)), "resume": "someone-elses-flow"})
    assert "resume" not in form_of(posted.headers["location"])


async def test_prompt_none_by_post_reaches_the_session(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    posted = await browser.post("/oauth/authorize",
                                data=form_of(authorize_url(app_client.id, prompt="none")))
    answer = await browser.get(posted.headers["location"])
    assert "code" in query_of(answer)  # not login_required: the GET carried the cookie


# -- RP-initiated logout -------------------------------------------------------------------

async def test_another_persons_hint_asks_and_keeps_the_session(
        browser: httpx.AsyncClient, client_for: ClientFactory, app_client: Registered,
        taro: Account) -> None:
    """Before: 303 to the app at once, and Hanako stayed signed in without being asked."""
    other = await signed_in_browser(client_for, "taro@acme.example")
    hint = await id_token_of(other, app_client)
    page = await browser.get("/oauth/logout", params={
        "id_token_hint": hint, "post_logout_redirect_uri": BYE, "state": "s9"})
    assert page.status_code == 200 and 'data-page="oidc-logout"' in page.text
    assert "hanako@acme.example" in page.text
    assert await still_signed_in(browser) and await still_signed_in(other)
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    done = await browser.post("/oauth/logout", data={
        "csrf": csrf, "location": BYE, "state": "s9", "client_id": app_client.id})
    assert done.status_code == 303 and done.headers["location"] == BYE + "?state=s9"
    assert not await still_signed_in(browser)
    assert await still_signed_in(other)


async def test_an_invalid_hint_asks(browser: httpx.AsyncClient, app_client: Registered) -> None:
    hint = await id_token_of(browser, app_client)
    forged = hint[:-4] + ("AAAA" if not hint.endswith("AAAA") else "BBBB")
    page = await browser.get("/oauth/logout", params={
        "id_token_hint": forged, "post_logout_redirect_uri": BYE})
    assert page.status_code == 200 and 'data-page="oidc-logout"' in page.text
    assert 'name="location" value=""' in page.text  # no client identified: nowhere to return
    assert await still_signed_in(browser)


async def test_the_hint_and_client_id_must_agree(
        runtime: Runtime, browser: httpx.AsyncClient, app_client: Registered) -> None:
    other_app = await register(runtime, name="Wiki",
                               post_logout_redirect_uris=("https://wiki.example/bye",))
    hint = await id_token_of(browser, app_client)
    page = await browser.get("/oauth/logout", params={
        "id_token_hint": hint, "client_id": other_app.id,
        "post_logout_redirect_uri": "https://wiki.example/bye"})
    assert page.status_code == 200 and 'data-page="oidc-logout"' in page.text
    assert 'name="location" value=""' in page.text and 'name="client_id" value=""' in page.text
    assert await still_signed_in(browser)


async def test_an_unregistered_return_address_is_never_followed(
        browser: httpx.AsyncClient, client: httpx.AsyncClient, app_client: Registered) -> None:
    hint = await id_token_of(browser, app_client)
    own = await browser.get("/oauth/logout", params={
        "id_token_hint": hint, "post_logout_redirect_uri": "https://evil.example/"})
    assert own.status_code == 303 and own.headers["location"].startswith("/signin")
    assert not await still_signed_in(browser)
    nobody = await client.get("/oauth/logout", params={
        "client_id": app_client.id, "post_logout_redirect_uri": "https://evil.example/"})
    assert nobody.headers["location"].startswith("/signin")
    client.cookies.set("monban_csrf", "x" * 32)
    forged_post = await client.post("/oauth/logout", data={
        "csrf": "x" * 32, "location": "https://evil.example/", "client_id": app_client.id})
    assert forged_post.headers.get("location", "").startswith("/signin") or \
        forged_post.status_code == 403


async def test_the_own_hint_signs_out_at_once(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    hint = await id_token_of(browser, app_client)
    response = await browser.get("/oauth/logout", params={
        "id_token_hint": hint, "post_logout_redirect_uri": BYE, "state": "s1"})
    assert response.status_code == 303 and response.headers["location"] == BYE + "?state=s1"
    assert not await still_signed_in(browser)


async def test_the_confirmation_lets_the_form_return_to_the_app(
        browser: httpx.AsyncClient, app_client: Registered) -> None:
    """The page's form posts to Monban, which redirects to the app: its CSP form-action
    must name the app's origin, or the browser stops there."""
    page = await browser.get("/oauth/logout", params={
        "client_id": app_client.id, "post_logout_redirect_uri": BYE})
    assert "form-action 'self' https://app.example" in page.headers["content-security-policy"]


# -- the consent page ---------------------------------------------------------------------

@pytest.mark.parametrize(("language", "accept", "expected"), [
    ("ja", "en", "hanako.ja@acme.exampleとしてサインインしています。"),
    ("en", "ja", "Signed in as hanako.ja@acme.example."),
])
async def test_consent_names_the_person_in_their_language(
        runtime: Runtime, org: Org, client_for: ClientFactory, language: str, accept: str,
        expected: str) -> None:
    """Before: "Signed in as ." in the Accept-Language's language."""
    await runtime.directory.create_account(
        display_name="Hanako", email="hanako.ja@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language=language)
    web = await signed_in_browser(client_for, "hanako.ja@acme.example", lang=accept)
    app = await register(runtime, skip_consent=False)
    page = await web.get(authorize_url(app.id))
    assert page.status_code == 200 and 'data-page="oidc-consent"' in page.text
    assert expected in page.text
    assert f"<html lang=\"{language}\">" in page.text
