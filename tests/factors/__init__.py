"""Helpers shared by the factor tests: authenticator-app codes at the frozen clock, the MFA
step over the API, a factor context for calling factors directly, and a runtime on
PostgreSQL (when MONBAN_TEST_POSTGRES_URL is set) for the racing tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

from monban.accounts.model import Account
from monban.accounts.org_settings import DEFAULT_SETTINGS
from monban.clock import FrozenClock
from monban.config import Settings
from monban.factors.base import FactorContext
from monban.runtime import Runtime, build_runtime
from monban.signin.request_info import RequestInfo
from tests.conftest import TEST_HOSTS, sign_in, token_for
from tests.postgres import private_schema

STEP = timedelta(seconds=30)


def code_at(secret: str, clock: FrozenClock, steps: int = 0) -> str:
    """The code a device shows whose clock is `steps` 30-second steps ahead of ours."""
    return pyotp.TOTP(secret).at(clock.now() + steps * STEP)


async def enroll_totp(client: httpx.AsyncClient, account: Account, clock: FrozenClock,
                      name: str = "Phone") -> tuple[str, str]:
    """Enrol an authenticator app over the API; (secret, factor id). Moves the clock one
    step on, as a person would take that long before their next sign-in."""
    headers = await token_for(client, account.email or "")
    started = await client.post("/api/v1/me/factors/totp", headers=headers,
                                json={"name": name, "params": {}})
    assert started.status_code == 201, started.text
    enrollment = started.json()["enrollment"]
    secret = enrollment["display"]["secret"]
    confirmed = await client.post(
        f"/api/v1/me/factors/totp/{enrollment['id']}/confirm", headers=headers,
        json={"response": {"code": code_at(secret, clock)}})
    assert confirmed.status_code == 201, confirmed.text
    clock.advance(STEP)
    return secret, confirmed.json()["factor"]["id"]


async def mfa_flow(client: httpx.AsyncClient, account: Account) -> dict[str, Any]:
    started = await sign_in(client, account.email or "")
    assert started.status_code == 200, started.text
    body: dict[str, Any] = started.json()
    assert body["state"] == "mfa", body
    return body


async def verify(client: httpx.AsyncClient, flow_id: str, factor_id: str,
                 code: str) -> httpx.Response:
    return await client.post(f"/api/v1/signin/flows/{flow_id}/mfa/verify",
                             json={"factor_id": factor_id, "response": {"code": code}})


def factor_context(account: Account, clock: FrozenClock) -> FactorContext:
    return FactorContext(account=account, settings=DEFAULT_SETTINGS, now=clock.now(),
                         request=RequestInfo(ip=ip_address("198.51.100.7"), user_agent="test"))


@pytest.fixture
async def pg_runtime(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[Runtime]:
    with private_schema() as url:
        settings = Settings(data_dir=tmp_path / "data", argon2_memory_kib=1024,
                            argon2_time_cost=1, database_url=url, allowed_hosts=TEST_HOSTS)
        rt = build_runtime(settings, clock)
        yield rt
        rt.close()
