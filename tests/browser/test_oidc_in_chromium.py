"""Signing in to another app through Monban, in Debian's Chromium: a small relying party
(Starlette + Authlib's Starlette client, on loopback) sends the person to Monban, who signs
in, agrees on the consent page and comes back to the app, which shows their name. Then the
same sign-in from an in-app browser's user agent meets the disallowed_useragent page."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import uvicorn
from authlib.integrations.starlette_client import OAuth
from starlette.applications import Starlette
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from tests.nodes import Cluster, free_port
from tests.oidc.relying_party import ADMIN_EMAIL, EMAIL, add_client, seed

from .conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD

pytestmark = pytest.mark.browser
INSTAGRAM = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Mobile/15E148 Instagram 330.0.3.12.235 (iPhone14,5; iOS 17_4;"
             " ja_JP; ja; scale=3.00; 1170x2532; 596222582)")


def relying_party(monban: str, client_id: str, secret: str, port: int) -> Starlette:
    oauth = OAuth()
    oauth.register("monban", client_id=client_id, client_secret=secret,
                   server_metadata_url=f"{monban}/.well-known/openid-configuration",
                   client_kwargs={"scope": "openid profile email",
                                  "code_challenge_method": "S256"})
    home = f"http://localhost:{port}"

    async def index(request: Request) -> Response:
        return HTMLResponse('<a id="login" href="/login">Sign in with Monban</a>')

    async def login(request: Request) -> Response:
        response: Response = await oauth.monban.authorize_redirect(request, f"{home}/callback")
        return response

    async def login_post(request: Request) -> Response:
        """The same request as a form the person submits (OpenID Connect Core §3.1.2.1)."""
        redirect_uri = f"{home}/callback"
        made = await oauth.monban.create_authorization_url(redirect_uri)
        await oauth.monban.save_authorize_data(request, redirect_uri=redirect_uri, **made)
        endpoint, _, query = made["url"].partition("?")
        fields = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                         for k, v in parse_qsl(query))
        return HTMLResponse(f'<form method="post" action="{escape(endpoint)}">{fields}'
                            '<button id="post-login" type="submit">Sign in</button></form>')

    async def callback(request: Request) -> Response:
        token = await oauth.monban.authorize_access_token(request)
        info = await oauth.monban.userinfo(token=token)
        return HTMLResponse(f'<h1 id="name">{info["name"]}</h1>'
                            f'<p id="amr">{" ".join(token["userinfo"]["amr"])}</p>')

    app = Starlette(routes=[Route("/", index), Route("/login", login),
                            Route("/login-post", login_post), Route("/callback", callback)])
    app.add_middleware(SessionMiddleware, secret_key="rp-test-secret-key")  # noqa: S106
    return app


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    root = tmp_path_factory.mktemp("oidc-browser")
    rp_port, first_party_port = free_port(), free_port()
    with Cluster(root, database_url=f"sqlite:///{root / 'shared.sqlite3'}") as cluster:
        client_id, secret = seed(cluster, (f"http://localhost:{rp_port}/callback",),
                                 skip_consent=False)
        wiki_id, wiki_secret = add_client(
            cluster, (f"http://localhost:{first_party_port}/callback",), skip_consent=True)
        (node,) = cluster.start(1)
        servers = [uvicorn.Server(uvicorn.Config(
            relying_party(node.url, cid, sec, port), host="127.0.0.1", port=port,
            log_level="warning"))
            for cid, sec, port in ((client_id, secret, rp_port),
                                   (wiki_id, wiki_secret, first_party_port))]
        threads = [threading.Thread(target=s.run, daemon=True) for s in servers]
        for thread in threads:
            thread.start()
        while not all(s.started for s in servers):
            time.sleep(0.05)
        try:
            yield (node.url, f"http://localhost:{rp_port}",
                   f"http://localhost:{first_party_port}")
        finally:
            for server in servers:
                server.should_exit = True
            for thread in threads:
                thread.join(timeout=10)


@pytest.fixture
def browser_context(playwright: Any) -> Iterator[Any]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def test_an_app_signs_in_through_monban(apps: tuple[str, str, str],
                                       browser_context: Any) -> None:
    _monban, rp, _first_party = apps
    page = browser_context.new_context(locale="en-US").new_page()
    page.goto(rp)
    page.click("#login")
    page.fill("#identifier", EMAIL)
    page.click("button[type=submit].primary")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("[data-page=oidc-consent]")
    assert "Allow Expenses to use your account?" in page.locator("h1").inner_text()
    page.click("button[value=allow]")
    page.wait_for_selector("#name")
    assert page.locator("#name").inner_text() == "Hanako Yamada"
    assert page.locator("#amr").inner_text() == "pwd"
    # signed in at Monban and consent remembered: the next sign-in is one click
    page.goto(rp)
    page.click("#login")
    page.wait_for_selector("#name")
    assert page.locator("#name").inner_text() == "Hanako Yamada"


def test_in_app_browser_sees_disallowed_useragent(apps: tuple[str, str, str],
                                                  browser_context: Any) -> None:
    _monban, rp, _first_party = apps
    page = browser_context.new_context(locale="ja-JP", user_agent=INSTAGRAM).new_page()
    page.goto(rp)
    page.click("#login")
    page.wait_for_selector("[data-page=disallowed-useragent]")
    assert page.locator("h1").inner_text() == "承認エラー(エラー403: disallowed_useragent)"
    assert "ブラウザーで開く" in page.content()
    page.screenshot(path="/tmp/disallowed_useragent.png", full_page=True)


def test_first_party_app_straight_back_after_the_password(apps: tuple[str, str, str],
                                                          browser_context: Any) -> None:
    """No consent page: the password form's answer redirects through /oauth/authorize to
    the app (a cross-origin redirect at the end of a form submission)."""
    _monban, _rp, first_party = apps
    page = browser_context.new_context(locale="en-US").new_page()
    page.goto(first_party)
    page.click("#login")
    page.fill("#identifier", EMAIL)
    page.click("button[type=submit].primary")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#name", timeout=10000)
    assert page.locator("#name").inner_text() == "Hanako Yamada"


def test_an_admin_registers_an_app(apps: tuple[str, str, str], browser_context: Any) -> None:
    monban, _rp, _first_party = apps
    page = browser_context.new_context(locale="en-US").new_page()
    page.goto(f"{monban}/admin/orgs/acme/apps")
    page.fill("#identifier", ADMIN_EMAIL)
    page.click("button[type=submit].primary")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("[data-page=admin-apps]")
    page.fill("#new-app input[name=name]", "Wiki")
    page.fill("#new-app textarea[name=redirect_uris]", "https://wiki.acme.example/callback")
    page.click("#new-app button.primary")
    page.wait_for_selector("#client-secret")
    assert page.locator("#client-secret").inner_text().startswith("mbs_")
    client_id = page.locator("#client-id").inner_text()
    assert page.locator(f"text={client_id}").count() >= 2  # in the notice and the table
    page.click(f"a[href$='/apps/{client_id}']")
    page.wait_for_selector("[data-page=admin-app]")
    page.check("input[name=allow_webview]")
    page.click("button[value=save]")
    page.wait_for_selector("text=Saved.")
    assert page.locator("input[name=allow_webview]").is_checked()


def test_an_app_posts_the_authorization_request(apps: tuple[str, str, str],
                                                browser_context: Any) -> None:
    """A form post from the app's page (it was 405). Once signed in at Monban, the second
    post comes straight back: Monban's 303 to the GET request carries the SameSite=Lax
    session cookie that the cross-site POST itself could not."""
    _monban, rp, _first_party = apps
    page = browser_context.new_context(locale="en-US").new_page()
    page.goto(f"{rp}/login-post")
    page.click("#post-login")
    page.fill("#identifier", EMAIL)
    page.click("button[type=submit].primary")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_selector("#name, [data-page=oidc-consent]")
    if page.locator("[data-page=oidc-consent]").count():
        assert "Signed in as hanako@acme.example." in page.content()
        page.click("button[value=allow]")
        page.wait_for_selector("#name")
    assert page.locator("#name").inner_text() == "Hanako Yamada"
    page.goto(f"{rp}/login-post")
    page.click("#post-login")
    page.wait_for_selector("#name")
    assert page.locator("#name").inner_text() == "Hanako Yamada"
