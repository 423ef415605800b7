"""The last-owner rule under concurrency, on PostgreSQL (skipped unless
MONBAN_TEST_POSTGRES_URL is set): every owner of an org demoted at once leaves exactly one,
because the owners' rows are locked in the transaction that counts them."""

from __future__ import annotations

import asyncio

import pytest

from monban.accounts.model import Org, Role
from monban.errors import CatalogueError
from monban.runtime import Runtime
from tests.conftest import PASSWORD
from tests.factors import pg_runtime  # noqa: F401 (a fixture)


@pytest.fixture
def runtime(pg_runtime: Runtime) -> Runtime:  # noqa: F811 - this module runs on PostgreSQL
    return pg_runtime


@pytest.mark.parametrize("change", [{"role": Role.MEMBER}, {"disabled": True}])
async def test_demoting_every_owner_at_once_leaves_one(
        runtime: Runtime, org: Org, change: dict[str, object]) -> None:
    owners = [await runtime.directory.create_account(
        display_name=f"Owner {n}", email=f"owner{n}@acme.example", password=PASSWORD, org=org,
        role=Role.OWNER, language="en") for n in range(8)]
    results = await asyncio.gather(
        *(runtime.directory.update_account(o, **change) for o in owners),
        return_exceptions=True)
    refused = [r for r in results if isinstance(r, CatalogueError)]
    assert [r.code for r in refused] == ["LAST_OWNER"], results
    left = [a for a in await runtime.directory.members(org)
            if a.role == Role.OWNER and not a.disabled]
    assert len(left) == 1
