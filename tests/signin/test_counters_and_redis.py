"""Issue 12, item 9, through the sign-in API with Redis counters: a Redis restart (simulated
by deleting this test's own keys: a private prefix, the Redis is shared) leaves a locked
source locked and an account over its daily limit refused; and with Redis gone and the
counters failing open, each `counters.skipped` row names the account, org, address and flow
like the attempt's own rows."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from monban.accounts.model import Account, Org, Role
from monban.config import Settings
from monban.db.tables import audit_events
from monban.runtime import Runtime
from monban.store.redis_counters import connect
from tests.conftest import PASSWORD, TEST_HOSTS, ClientFactory, Updater, error_code, sign_in
from tests.nodes import free_port

PREFIX = f"test:{uuid.uuid4().hex}:"


@pytest.fixture
def settings(tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    if "down" in request.node.name:
        redis_url, when_down = f"redis://127.0.0.1:{free_port()}/0", "open"
    else:
        redis_url = os.environ.get("MONBAN_TEST_REDIS_URL", "")
        if not redis_url:
            pytest.skip("MONBAN_TEST_REDIS_URL is not set (.ci/run sets it)")
        when_down = "closed"
    return Settings(data_dir=tmp_path / "data", argon2_memory_kib=1024, argon2_time_cost=1,
                    authenticator_app_name="OneAuth", default_language="en",
                    trusted_proxies=["127.0.0.1"], redis_url=redis_url,
                    redis_key_prefix=PREFIX, counters_when_redis_down=when_down,
                    allowed_hosts=TEST_HOSTS)


async def restart_redis() -> None:
    """What a Redis without persistence keeps after a restart: none of Monban's keys."""
    redis = connect(os.environ["MONBAN_TEST_REDIS_URL"])
    try:
        async for key in redis.scan_iter(match=f"{PREFIX}*"):
            await redis.delete(key)
    finally:
        await redis.aclose()


async def test_a_restart_keeps_locks_and_daily_counts(
        runtime: Runtime, org: Org, member: Account, set_org: Updater,
        client_for: ClientFactory) -> None:
    assert runtime.redis_counters is not None
    await set_org(daily_signin_limit=2)
    taro = await runtime.directory.create_account(
        display_name="Taro", email="taro@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language="en")
    web = client_for()
    try:
        for _ in range(2):
            assert (await sign_in(web, member.email or "")).status_code == 200
        assert error_code(await sign_in(web, member.email or "")) == "DAILY_SIGNIN_LIMIT"
        attacker = client_for(ip="203.0.113.9")
        for _ in range(8):
            wrong = await sign_in(attacker, taro.email or "", "wrong password")
            assert error_code(wrong) == "INVALID_CREDENTIALS"
        assert error_code(await sign_in(attacker, taro.email or "")) == \
            "SIGNIN_ATTEMPTS_EXCEEDED"

        await restart_redis()

        assert error_code(await sign_in(web, member.email or "")) == "DAILY_SIGNIN_LIMIT"
        assert error_code(await sign_in(attacker, taro.email or "")) == \
            "SIGNIN_ATTEMPTS_EXCEEDED"
        # the lock is the source's: Taro elsewhere still signs in
        assert (await sign_in(client_for(ip="198.51.100.20"), taro.email or "")
                ).status_code == 200
    finally:
        await restart_redis()


async def test_redis_down_failing_open_audits_whose_decision_it_skipped(
        runtime: Runtime, org: Org, member: Account, client: httpx.AsyncClient) -> None:
    wrong = await sign_in(client, member.email or "", "wrong password")
    assert error_code(wrong) == "INVALID_CREDENTIALS"
    assert (await sign_in(client, member.email or "")).status_code == 200
    rows = runtime.db.transaction(lambda c: c.execute(
        select(audit_events).where(audit_events.c.event == "counters.skipped")
        .order_by(audit_events.c.id)).all(), write=False)
    assert [r.detail["operation"] for r in rows] == [
        "take_attempts", "take_attempts", "consume_daily"]
    for row in rows:
        assert row.account_id == member.id and row.org_id == org.id
        assert row.ip == "198.51.100.7" and row.flow_id
        assert "wrong password" not in str(dict(row._mapping))
    flows = runtime.db.transaction(lambda c: c.execute(
        select(audit_events.c.flow_id).where(audit_events.c.event != "counters.skipped")
        ).scalars().all(), write=False)
    assert {r.flow_id for r in rows} <= set(flows)  # the same flow as the attempt's rows
