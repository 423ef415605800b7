"""A real `monban serve` (tests/nodes.py) with the test IdP registered as "testidp", for the
page tests (httpx following redirects) and the Chromium test."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any, TypeVar

from monban.accounts.model import Account, Role
from monban.federation import linking
from monban.federation.identity import UpstreamIdentity
from monban.runtime import build_runtime
from tests.federation.idp import CLIENT_ID, CLIENT_SECRET, TestIdP, start_idp
from tests.nodes import Cluster, Node

PASSWORD = "correct horse battery"
T = TypeVar("T")


@dataclass
class Served:
    cluster: Cluster
    node: Node
    idp: TestIdP

    def seed_account(self, email: str, language: str = "en", sub: str | None = None,
                     role: Role = Role.MEMBER, superadmin: bool = False) -> Account:
        """An account in org "acme" (created on first use), linked to `sub` at the IdP."""
        async def work() -> Account:
            runtime = build_runtime(self.cluster.settings())
            try:
                directory = runtime.directory
                try:
                    org = await directory.org("acme")
                except Exception:  # noqa: BLE001 - first call: the org does not exist yet
                    org = await directory.create_org("Acme", "acme")
                account = await directory.create_account(
                    display_name=email.split("@")[0], email=email, password=PASSWORD, org=org,
                    role=role, language=language, superadmin=superadmin)
                if sub is not None:
                    provider = await runtime.federation.registry.get("testidp")
                    identity = UpstreamIdentity(self.idp.issuer, sub, email, True, "")
                    await runtime.db.run(linking.link, account, provider, identity,
                                         datetime.now(UTC))
                return account
            finally:
                runtime.close()

        return _run(work())


@contextmanager
def served(root: Path) -> Iterator[Served]:
    with Cluster(root, database_url=f"sqlite:///{root / 'shared.sqlite3'}") as cluster:
        node, = cluster.start(1)
        idp = start_idp(root, [f"{node.url}/signin/federated/callback"])
        try:
            async def register() -> None:
                runtime = build_runtime(cluster.settings())
                try:
                    await runtime.federation.registry.add(
                        slug="testidp", display_name="Test IdP", issuer=idp.issuer,
                        client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
                finally:
                    runtime.close()

            _run(register())
            yield Served(cluster, node, idp)
        finally:
            idp.stop()


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync code, even where Playwright's loop is running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def form_field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return unescape(match.group(1))
