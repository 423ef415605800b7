"""Fixtures for the HTML pages: `Browser`, an httpx client that asks for HTML, keeps cookies and
fills in the CSRF field the way a browser submitting the page's form would, and a support
account. The runtime, app, clock, org, member and admin are tests/conftest.py's; `settings` is
overridden below."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from html import unescape
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account, Org, Role
from monban.config import Settings
from monban.edge import cookies, csrf
from monban.runtime import Runtime
from tests.conftest import PASSWORD


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "title"):
            self._skip += 1
        if tag == "a":
            self.links += [value or "" for name, value in attrs if name == "href"]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", unescape(" ".join(parser.parts)))


def page_links(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.links


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return unescape(match.group(1))


class Browser:
    """One browser: its own cookie jar, IP address and language."""

    def __init__(self, app: Any, ip: str, lang: str | None) -> None:
        self.secret = app.state.runtime.secret_key
        headers = {"accept": "text/html,application/xhtml+xml"}
        if lang:
            headers["accept-language"] = lang
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(ip, 4000)),
            base_url="http://testserver", headers=headers)

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(url, **kwargs)

    def csrf(self) -> str:
        """The token the page's forms carry (edge/csrf.py: bound to the session, or before
        signing in to the pre-session cookie)."""
        jar = self.client.cookies
        return csrf.expected(self.secret, jar.get(cookies.SESSION), jar.get(cookies.CSRF)) or ""

    async def post(self, url: str, data: dict[str, str] | dict[str, str | list[str]] | None = None,
                   *, csrf: bool = True) -> httpx.Response:
        """`data`: a list value is a group of ticked checkboxes of one name."""
        if csrf and not self.csrf():
            await self.get("/signin")
        fields = {"csrf": self.csrf()} if csrf else {}
        return await self.client.post(url, data={**fields, **(data or {})})

    async def sign_in(self, identifier: str, password: str = PASSWORD, *,
                      keep: bool = False, next_url: str | None = None) -> httpx.Response:
        """Fill in the sign-in pages; the answer to the password form (not followed)."""
        form = {"identifier": identifier}
        if keep:
            form["keep_signed_in"] = "1"
        if next_url:
            form["next"] = next_url
        started = await self.post("/signin", form)
        assert started.status_code == 303, page_text(started.text)
        page = await self.get(started.headers["location"])
        assert page.status_code == 200, page_text(page.text)
        return await self.post("/signin/password", {
            "flow": hidden(page.text, "flow"), "next": hidden(page.text, "next"),
            "password": password})

    def session_cookie(self) -> str | None:
        return self.client.cookies.get(cookies.SESSION)


BrowserFactory = Callable[..., Browser]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Overrides the root `settings`: the pages' tests rely on the product's default language,
    Japanese (a browser without Accept-Language gets Japanese pages), and trust no proxy."""
    return settings.model_copy(update={"default_language": "ja", "trusted_proxies": []})


@pytest.fixture
async def browser_for(app: Any) -> AsyncIterator[BrowserFactory]:
    """browser_for(ip="198.51.100.7", lang="en")"""
    made: list[Browser] = []

    def make(ip: str = "198.51.100.7", lang: str | None = "en") -> Browser:
        browser = Browser(app, ip, lang)
        made.append(browser)
        return browser

    yield make
    for browser in made:
        await browser.client.aclose()


@pytest.fixture
async def support(runtime: Runtime, org: Org) -> Account:
    return await runtime.directory.create_account(
        display_name="Support", email="support@acme.example", password=PASSWORD, org=org,
        role=Role.SUPPORT, language="en")


async def signed_in(browser_for: BrowserFactory, account: Account, lang: str = "en",
                    ip: str = "198.51.100.7") -> Browser:
    browser = browser_for(ip=ip, lang=lang)
    answer = await browser.sign_in(account.label)
    assert answer.status_code == 303, page_text(answer.text)
    return browser
