"""Helpers for the two-step pages' tests: enrolling through the security page's forms, reaching
the second step of signing in, and answering it."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import httpx
import pyotp

from monban.clock import FrozenClock
from monban.runtime import Runtime

from .conftest import Browser, hidden, page_text

STEP_FIELDS = ("flow", "next", "factor", "kind")


def shown_secret(html: str) -> str:
    match = re.search(r'id="secret">([A-Z2-7]+)<', html)
    assert match, "no setup key on the page"
    return match.group(1)


def totp_code(secret: str, clock: FrozenClock) -> str:
    return pyotp.TOTP(secret).at(clock.now())


async def enroll_totp(browser: Browser, clock: FrozenClock, name: str = "Phone") -> str:
    """Add an authenticator app from the security page; the setup key. The clock then moves
    to the next 30-second step (the confirming code is spent)."""
    assert (await browser.get("/account/two-step/add/totp")).status_code == 200
    page = await browser.post("/account/two-step/add/totp", {"name": name})
    assert page.status_code == 200, page_text(page.text)
    secret = shown_secret(page.text)
    done = await browser.post("/account/two-step/add/totp/confirm", {
        "enrollment": hidden(page.text, "enrollment"), "code": totp_code(secret, clock)})
    assert done.status_code == 303, page_text(done.text)
    assert done.headers["location"] == "/account/security?notice=factor_added#two-step"
    clock.advance(timedelta(seconds=30))
    return secret


async def latest_code(runtime: Runtime, target: str) -> str:
    """The six-digit code of the newest SMS or email sent to `target` (the outbox)."""
    messages = await runtime.outbox.latest(1, target)
    assert messages, f"nothing sent to {target}"
    match = re.search(r"\b(\d{6})\b", messages[0].body)
    assert match
    return match.group(1)


async def second_step(browser: Browser, identifier: str, *, keep: bool = False
                      ) -> httpx.Response:
    """Identifier and password, then the /signin/mfa page they lead to."""
    answer = await browser.sign_in(identifier, keep=keep)
    assert answer.status_code == 303, page_text(answer.text)
    assert answer.headers["location"].startswith("/signin/mfa?"), answer.headers["location"]
    page = await browser.get(answer.headers["location"])
    assert page.status_code == 200, page_text(page.text)
    return page


async def answer(browser: Browser, page: httpx.Response, *, trust: bool = False,
                 **fields: str) -> httpx.Response:
    """Submit the second step's form (the code, or a credential) of `page`."""
    form = {name: hidden(page.text, name) for name in STEP_FIELDS}
    if trust:
        form["trust_browser"] = "1"
    return await browser.post("/signin/mfa", {**form, **fields})


def another_way(page: httpx.Response, kind: str) -> str:
    """The "Sign in another way" link to the factor of `kind`."""
    match = re.search(rf'<a href="([^"]+)" data-kind="{kind}">', page.text)
    assert match, f"no other way to sign in with {kind}"
    return unescape(match.group(1))
