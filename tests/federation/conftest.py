"""Federation fixtures: one real upstream OIDC provider for the session (ports for the
`monban serve` nodes are chosen up front so that their callback URLs can be registered),
and a provider "testidp" registered in the in-process runtime."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monban.clock import FrozenClock
from monban.federation.provider import Provider
from monban.runtime import Runtime
from tests.federation.idp import CLIENT_ID, CLIENT_SECRET, TestIdP, start_idp
from tests.nodes import free_port

IN_PROCESS = "http://testserver/signin/federated/callback"


@pytest.fixture(scope="session")
def node_ports() -> list[int]:
    return [free_port() for _ in range(3)]


@pytest.fixture(scope="session")
def idp(tmp_path_factory: pytest.TempPathFactory, node_ports: list[int]) -> Iterator[TestIdP]:
    uris = [IN_PROCESS, *(f"http://127.0.0.1:{p}/signin/federated/callback"
                          for p in node_ports)]
    started = start_idp(Path(tmp_path_factory.mktemp("idp")), uris)
    yield started
    started.stop()


@pytest.fixture
def clock() -> FrozenClock:
    """The provider's tokens carry real times (iat, exp): the clock starts at now."""
    return FrozenClock(datetime.now(UTC))


@pytest.fixture
async def provider(runtime: Runtime, idp: TestIdP) -> Provider:
    return await runtime.federation.registry.add(
        slug="testidp", display_name="Test IdP", issuer=idp.issuer, client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET)
