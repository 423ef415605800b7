"""Issue #12 (7): without MONBAN_BASE_URL a forged Host would change the discovery document
(cached for 300 s) and every link; hosts not configured are refused with the catalogue's
INVALID_REQUEST, in the caller's language, with a help link that does not carry the host."""

from __future__ import annotations

import pytest

from monban.clock import FrozenClock
from monban.config import Settings
from tests.edge.apps import app_with, client_of

DISCOVERY = "/.well-known/openid-configuration"


@pytest.mark.parametrize("lang", ["ja", "en"])
async def test_a_lying_host_gets_no_discovery_document(settings: Settings, clock: FrozenClock,
                                                       lang: str) -> None:
    async with app_with(settings, clock, allowed_hosts=[]) as app:
        async with client_of(app, "198.51.100.7", "http://localhost:8000",
                             lang=lang) as client:
            good = await client.get(DISCOVERY)
            assert good.status_code == 200
            assert good.json()["issuer"] == "http://localhost:8000"
            lying = await client.get(DISCOVERY, headers={"host": "evil.example"})
            assert lying.status_code == 400
            error = lying.json()["error"]
            assert error["code"] == "INVALID_REQUEST" and error["detail"] == {"field": "host"}
            assert "evil.example" not in lying.text
            assert error["help"].startswith("http") and error["help"].endswith(
                f"/help/errors/INVALID_REQUEST?lang={lang}")
            assert lying.headers["cache-control"] == "no-store"
            page = await client.get("/signin", headers={"host": "evil.example:8000",
                                                        "accept": "text/html"})
            assert page.status_code == 400


async def test_default_hosts_are_loopback_and_the_base_urls(settings: Settings,
                                                            clock: FrozenClock) -> None:
    async with app_with(settings, clock, allowed_hosts=[],
                        base_url="https://accounts.example.com") as app:
        async with client_of(app, "198.51.100.7") as client:
            for host in ("accounts.example.com", "ACCOUNTS.example.com:443", "localhost:8000",
                         "127.0.0.1", "[::1]:8000"):
                response = await client.get(DISCOVERY, headers={"host": host})
                assert response.status_code == 200, host
                assert response.json()["issuer"] == "https://accounts.example.com"
            for host in ("testserver", "accounts.example.com.evil.example", "x.example.com"):
                assert (await client.get(DISCOVERY, headers={"host": host})
                        ).status_code == 400, host


async def test_configured_hosts_and_wildcards(settings: Settings, clock: FrozenClock) -> None:
    async with app_with(settings, clock, allowed_hosts=["id.example.com", "*.acme.example"]
                        ) as app:
        async with client_of(app, "198.51.100.7") as client:
            for host, status in (("id.example.com", 200), ("login.acme.example", 200),
                                 ("acme.example", 400), ("localhost", 400)):
                response = await client.get(DISCOVERY, headers={"host": host})
                assert response.status_code == status, host


async def test_probes_answer_any_host(settings: Settings, clock: FrozenClock) -> None:
    async with app_with(settings, clock, allowed_hosts=[]) as app:
        async with client_of(app, "10.0.0.2") as client:
            assert (await client.get("/healthz", headers={"host": "10.0.0.5:8000"})
                    ).status_code == 200
