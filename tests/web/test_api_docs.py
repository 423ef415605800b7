"""Issue #12 (7): /docs and /redoc load Swagger UI and ReDoc from this server (a packaged
copy, so they work offline), under a Content-Security-Policy that allows no other origin and
no inline script."""

from __future__ import annotations

import re

import httpx
import pytest

SCRIPT = re.compile(r"<script([^>]*)>")
REFERENCE = re.compile(r'(?:src|href)="([^"]+)"')


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_viewer_is_served_from_here_under_a_csp(client: httpx.AsyncClient,
                                                      path: str) -> None:
    page = await client.get(path)
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "http" not in csp
    assert "//" not in page.text.replace("<!doctype", "")  # no other origin at all
    assert all("src=" in attributes for attributes in SCRIPT.findall(page.text))
    references = REFERENCE.findall(page.text)
    assert references
    for reference in references:
        asset = await client.get(reference)
        assert asset.status_code == 200, reference
        assert len(asset.content) > 100


async def test_the_schema_the_viewers_read(client: httpx.AsyncClient) -> None:
    schema = await client.get("/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "Monban"
