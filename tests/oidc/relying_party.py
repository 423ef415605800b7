"""A real `monban serve` with an org, a person and a registered client, for the tests that
drive certified relying-party libraries against it (Authlib, openid-client, Chromium)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from monban.accounts.model import Role
from monban.oidc import registration
from monban.oidc.clients import Client
from monban.runtime import build_runtime
from tests.conftest import PASSWORD
from tests.nodes import Cluster

JS = Path(__file__).parent / "js"
EMAIL = "hanako@acme.example"
ADMIN_EMAIL = "admin@acme.example"


@dataclass
class Provider:
    url: str
    client_id: str
    client_secret: str
    cluster: Cluster


def seed(cluster: Cluster, redirect_uris: tuple[str, ...], **fields: object) -> tuple[str, str]:
    """An org, Hanako, and a confidential client; returns (client_id, client_secret)."""
    runtime = build_runtime(cluster.settings())

    async def work() -> tuple[str, str]:
        org = await runtime.directory.create_org("Acme", "acme")
        await runtime.directory.create_account(display_name="Hanako Yamada", email=EMAIL,
                                               password=PASSWORD, org=org, role=Role.MEMBER,
                                               language="en")
        await runtime.directory.create_account(display_name="Admin", email=ADMIN_EMAIL,
                                               password=PASSWORD, org=org, role=Role.ADMIN,
                                               language="en")
        values: dict[str, object] = dict(
            id="", name="Expenses", public=False, redirect_uris=redirect_uris,
            grants=("authorization_code", "refresh_token", "client_credentials"),
            skip_consent=True)
        values.update(fields)
        client, secret = await registration.create(runtime.oidc, Client(**values))  # type: ignore[arg-type]
        assert secret is not None
        return client.id, secret

    try:  # in a thread of its own: Playwright's event loop may be running in this one
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, work()).result()
    finally:
        runtime.close()


def npm_ci() -> None:
    """Installs tests/oidc/js/node_modules from the lock file when it is missing."""
    if (JS / "node_modules" / "openid-client").exists():
        return
    npm = shutil.which("npm")
    assert npm, "npm is needed for the openid-client test"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True,  # noqa: S603
                   capture_output=True, timeout=600)


def add_client(cluster: Cluster, redirect_uris: tuple[str, ...], **fields: object
               ) -> tuple[str, str]:
    """One more confidential client on a seeded cluster."""
    runtime = build_runtime(cluster.settings())

    async def work() -> tuple[str, str]:
        values: dict[str, object] = dict(id="", name="Wiki", public=False,
                                         redirect_uris=redirect_uris)
        values.update(fields)
        client, secret = await registration.create(runtime.oidc, Client(**values))  # type: ignore[arg-type]
        assert secret is not None
        return client.id, secret

    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, work()).result()
    finally:
        runtime.close()
