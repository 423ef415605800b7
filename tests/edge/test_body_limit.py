"""Issue #12 (7): a body over MONBAN_MAX_BODY_BYTES is the catalogue's REQUEST_TOO_LARGE
(413) in the caller's language with an absolute help link, also when it is streamed without a
Content-Length (FastAPI's body parser used to turn it into a 400)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from monban.errors import message
from tests.conftest import ClientFactory

TEN_MB = 10 * 1024 * 1024


async def chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b"x" * min(size, total - sent)
        sent += size


def assert_too_large(response_status: int, body: dict[str, dict[str, str]], lang: str) -> None:
    assert response_status == 413
    error = body["error"]
    assert error["code"] == "REQUEST_TOO_LARGE"
    assert error["message"] == message("REQUEST_TOO_LARGE", lang)
    assert error["help"] == f"http://testserver/help/errors/REQUEST_TOO_LARGE?lang={lang}"


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("path", "kind"), [("/api/v1/signin/flows", "application/json"),
                                            ("/signin", "application/x-www-form-urlencoded")])
async def test_chunked_ten_megabytes(client_for: ClientFactory, lang: str, path: str,
                                     kind: str) -> None:
    client = client_for(lang=lang)
    response = await client.post(path, content=chunks(TEN_MB), headers={"content-type": kind})
    assert "content-length" not in response.request.headers
    assert_too_large(response.status_code, response.json(), lang)
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_declared_length_over_the_limit(client_for: ClientFactory, lang: str) -> None:
    response = await client_for(lang=lang).post("/api/v1/signin/flows", content=b"x" * 70_000,
                                                headers={"content-type": "application/json"})
    assert_too_large(response.status_code, response.json(), lang)


async def test_a_small_chunked_body_still_works(client_for: ClientFactory) -> None:
    async def small() -> AsyncIterator[bytes]:
        yield b'{"identifier": '
        yield b'"nobody@nowhere.example"}'

    response = await client_for().post("/api/v1/signin/flows", content=small(),
                                       headers={"content-type": "application/json"})
    assert response.status_code in (201, 404), response.text
