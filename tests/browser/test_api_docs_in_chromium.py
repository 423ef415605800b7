"""In Debian's Chromium against a real server: /docs and /redoc render the API from the
packaged viewers under their Content-Security-Policy, with no request to another origin and
no CSP violation (issue #12, 7)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Server

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("path", "title"), [("/docs", ".swagger-ui .info .title"),
                                             ("/redoc", "h1")])
def test_viewer_renders_offline_under_its_csp(server: Server, page_for: Any, path: str,
                                              title: str) -> None:
    page = page_for()
    problems: list[str] = []
    elsewhere: list[str] = []
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("requestfinished", lambda request: elsewhere.append(request.url)
            if not request.url.startswith((server.base, "data:", "blob:")) else None)
    page.goto(server.base + path)
    page.wait_for_selector(title, timeout=20_000)
    assert "Monban" in page.inner_text(title)
    # ReDoc's sidebar links its maker's logo from their CDN: the policy blocks it (that is
    # the policy working); nothing else may be refused, and nothing is loaded from elsewhere.
    assert [p for p in problems if "cdn.redoc.ly/redoc/logo-mini.svg" not in p] == []
    assert elsewhere == []
