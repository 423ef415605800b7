"""Passwordless sign-in in a real browser: a code by email instead of the password."""

from __future__ import annotations

import re
from typing import Any

import pytest

from monban.runtime import build_runtime

from .conftest import ACCOUNTS, Server, run_async

pytestmark = pytest.mark.browser
EMAIL = ACCOUNTS["passwordless"][1]


async def _latest_code(server: Server) -> str:
    runtime = build_runtime(server.settings)
    try:
        body = (await runtime.outbox.latest(1, target=EMAIL))[0].body
    finally:
        runtime.close()
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


def test_sign_in_with_a_code_instead_of_the_password(server: Server, page_for: Any) -> None:
    page = page_for(locale="en-US")
    page.goto(f"{server.base}/signin")
    page.fill("#identifier", EMAIL)
    page.click("button[type=submit].primary")
    page.click("[data-signin-code]")
    assert "We sent a 6-digit code by email to p•••@acme.example." in page.inner_text(
        "[data-sent-to]")
    page.fill("#code", run_async(_latest_code(server)))
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server.base}/account/security")
    assert "This session" in page.inner_text("#sessions")
