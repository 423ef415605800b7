"""The single-use and last-way-in rules on both databases (SQLite, PostgreSQL): a hundred
racing callbacks with one answer sign in once; two racing unlinks of an account's last two
ways in leave one; FEDERATED_EMAIL_CONFLICT on PostgreSQL too."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from httpx import AsyncClient

from monban.accounts.model import Account, Org
from monban.config import Settings
from monban.errors import CatalogueError
from monban.federation import linking
from monban.federation.identity import UpstreamIdentity
from monban.federation.provider import Provider
from monban.runtime import Runtime
from monban.store import federated_links
from tests.conftest import TEST_HOSTS, error_code, token_for
from tests.federation.flows import link, new_sub, start
from tests.federation.idp import TestIdP, answer_of
from tests.postgres import private_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    base = dict(data_dir=tmp_path / "data", argon2_memory_kib=1024, argon2_time_cost=1,
                authenticator_app_name="OneAuth", default_language="en",
                trusted_proxies=["127.0.0.1"], allowed_hosts=TEST_HOSTS)
    if request.param == "sqlite":
        yield Settings(**base)  # type: ignore[arg-type]
        return
    with private_schema() as url:
        yield Settings(**base, database_url=url)  # type: ignore[arg-type]


async def test_a_hundred_racing_callbacks(client: AsyncClient, idp: TestIdP, member: Account,
                                          provider: Provider) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    started = await start(client)
    answer = answer_of(idp.login(started["authorization_url"], sub))
    responses = await asyncio.gather(*(
        client.post("/api/v1/signin/federated/callback", json=answer) for _ in range(100)))
    assert sorted(r.status_code for r in responses) == [200] + [410] * 99


async def test_conflict(client: AsyncClient, idp: TestIdP, member: Account, admin: Account,
                        provider: Provider) -> None:
    sub = new_sub()
    idp.set_account(sub, member.email)
    await link(client, await token_for(client, "hanako@acme.example"), idp, sub)
    idp.set_account(sub, admin.email)
    started = await start(client)
    answer = answer_of(idp.login(started["authorization_url"], sub))
    response = await client.post("/api/v1/signin/federated/callback", json=answer)
    assert error_code(response) == "FEDERATED_EMAIL_CONFLICT"


async def test_racing_unlinks_keep_one_way_in(runtime: Runtime, org: Org,
                                              provider: Provider) -> None:
    account = await runtime.directory.create_account(display_name="No Password",
                                                     email="nopass@acme.example", org=org)
    now = datetime.now(UTC)
    links = []
    for sub in (new_sub(), new_sub()):
        identity = UpstreamIdentity(provider.issuer, sub, None, False, "")
        links.append(await runtime.db.run(linking.link, account, provider, identity, now))
    outcomes = await asyncio.gather(
        *(runtime.federation.unlink(account, item.id) for item in links),
        return_exceptions=True)
    refused = [o for o in outcomes if isinstance(o, CatalogueError)]
    assert [e.code for e in refused] == ["LAST_SIGNIN_METHOD"]
    assert await runtime.db.run(federated_links.count_for, account.id, write=False) == 1
