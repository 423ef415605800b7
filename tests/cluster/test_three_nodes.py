"""Three real nodes on loopback ports sharing PostgreSQL + Redis (and PostgreSQL alone):
every limit of the seed page holds exactly, whichever node served which request."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from ipaddress import ip_address
from pathlib import Path

import httpx
import pyotp
import pytest

from monban.accounts.org_settings import DEFAULT_SETTINGS
from monban.factors.base import FactorContext
from monban.runtime import Runtime
from monban.signin.request_info import RequestInfo
from monban.store import sessions
from tests.cluster import PASSWORD, client, code_of, member_of, shared_cluster, spread
from tests.nodes import Node

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["postgresql+redis", "postgresql"])
def three(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[list[Node], Runtime]]:
    """Three nodes with the counters in Redis, then three with the counters in PostgreSQL
    (no Redis: they must hold across nodes all the same)."""
    root: Path = tmp_path_factory.mktemp("three")
    redis = None if request.param == "postgresql+redis" else ""
    with shared_cluster(root, redis=redis) as (cluster, seed):
        nodes = cluster.start(3)
        yield nodes, seed


def _signin(http: httpx.AsyncClient, email: str, password: str = PASSWORD,
            ip: str = "203.0.113.9") -> Callable[[Node, int], Awaitable[httpx.Response]]:
    def call(node: Node, i: int) -> Awaitable[httpx.Response]:
        return http.post(f"{node.url}/api/v1/signin/flows",
                         json={"identifier": email, "password": password},
                         headers={"x-forwarded-for": ip, "accept-language": "en"})
    return call


async def test_two_hundred_wrong_passwords_lock_at_exactly_the_threshold(
        three: tuple[list[Node], Runtime]) -> None:
    nodes, seed = three
    _, account = await member_of(seed, "lockout", lockout_threshold=5)
    async with client() as http:
        results = await spread(nodes, 200, lambda node, i: http.post(
            f"{node.url}/api/v1/signin/flows",
            json={"identifier": account.email, "password": f"wrong {i:04}"},
            headers={"x-forwarded-for": "203.0.113.9"}))
        assert Counter(map(code_of, results)) == {"INVALID_CREDENTIALS": 5,
                                                  "SIGNIN_ATTEMPTS_EXCEEDED": 195}
        for node in nodes:  # locked on every node, even for the right password
            right = await _signin(http, account.email or "")(node, 0)
            assert code_of(right) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_daily_limit_of_five_admits_exactly_five_of_thirty(
        three: tuple[list[Node], Runtime]) -> None:
    nodes, seed = three
    _, account = await member_of(seed, "daily", daily_signin_limit=5)
    async with client() as http:
        results = await spread(nodes, 30, _signin(http, account.email or ""))
    assert Counter(map(code_of, results)) == {"OK": 5, "DAILY_SIGNIN_LIMIT": 25}


async def test_session_limit_of_three_never_admits_a_fourth(
        three: tuple[list[Node], Runtime]) -> None:
    nodes, seed = three
    _, account = await member_of(seed, "sessions", session_limit=3)
    async with client() as http:
        results = await spread(nodes, 20, _signin(http, account.email or ""))
    assert Counter(r.status_code for r in results) == {200: 3, 409: 17}
    assert Counter(map(code_of, results))["CONCURRENT_SESSION_LIMIT"] == 17
    live = await seed.db.run(sessions.count_live, account.id, sessions.BROWSER,
                             seed.clock.now(), 0)
    assert live == 3


async def test_one_backup_code_redeemed_a_hundred_times_succeeds_once(
        three: tuple[list[Node], Runtime]) -> None:
    nodes, seed = three
    _, account = await member_of(seed, "backup", daily_signin_limit=0,
                                 lockout_threshold=1000)
    ctx = FactorContext(account=account, settings=DEFAULT_SETTINGS, now=seed.clock.now(),
                        request=RequestInfo(ip=ip_address("127.0.0.1"), user_agent="test"))
    totp = seed.factors.registry["totp"]
    started = await totp.enroll(ctx, "Phone", {})
    await totp.confirm(ctx, started.id, {"code": pyotp.TOTP(started.display["secret"]).now()})
    paper = await seed.factors.registry["backup_code"].enroll(ctx, "Paper", {"count": 5})
    assert paper.factor is not None
    code, factor_id = paper.display["codes"][0], paper.factor.id
    ips = [f"198.18.{i // 200}.{i % 200 + 1}" for i in range(100)]
    async with client() as http:
        # The hundred flows are set up 20 at a time (a hundred Argon2 checks at once on two
        # cores can outlast the lockout's 10 s wait); the redemptions below all race.
        flows: list[httpx.Response] = []
        for batch in range(0, 100, 20):
            flows += await spread(nodes, 20, lambda node, i, b=batch: _signin(
                http, account.email or "", ip=ips[b + i])(node, b + i))
        assert {f.json().get("state") for f in flows} == {"mfa"}, [
            f.text for f in flows if f.status_code != 200][:3]
        results = await spread(nodes, 100, lambda node, i: http.post(
            f"{node.url}/api/v1/signin/flows/{flows[i].json()['flow']['id']}/mfa/verify",
            json={"factor_id": factor_id, "response": {"code": code}},
            headers={"x-forwarded-for": ips[i],
                     "x-flow-token": flows[i].json()["flow_token"]}))
    assert Counter(map(code_of, results)) == {"OK": 1, "BACKUP_CODE_INVALID": 99}


async def test_one_flow_makes_one_session_whichever_nodes_answer(
        three: tuple[list[Node], Runtime]) -> None:
    nodes, seed = three
    # no daily limit: 30 racing correct passwords would each count one for a moment
    _, account = await member_of(seed, "flows", daily_signin_limit=0)
    async with client() as http:
        started = await http.post(f"{nodes[0].url}/api/v1/signin/flows",
                                  json={"identifier": account.email})
        flow_id = started.json()["flow"]["id"]
        results = await spread(nodes, 30, lambda node, i: http.post(
            f"{node.url}/api/v1/signin/flows/{flow_id}/password",
            json={"password": PASSWORD}))
    assert Counter(r.status_code for r in results) == {200: 1, 410: 29}
    live = await seed.db.run(sessions.count_live, account.id, sessions.BROWSER,
                             seed.clock.now(), 0)
    assert live == 1
