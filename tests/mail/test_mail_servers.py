"""Real mail clients (imaplib) against real mail servers that ask a real `monban serve`:
Dovecot through monban-checkpassword, and nginx's IMAP proxy through auth_http."""

from __future__ import annotations

import asyncio
import imaplib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from monban.accounts.model import Role
from monban.runtime import build_runtime
from tests.conftest import PASSWORD
from tests.mail import MAIL_TOKEN
from tests.mail.servers import MailServers, mail_servers
from tests.nodes import Cluster, Node, free_port

EMAIL = "hanako@acme.example"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Node, MailServers, Path]]:
    root = tmp_path_factory.mktemp("mail")
    dovecot_port = free_port()
    with Cluster(root, database_url=_url(root),
                 env={"MONBAN_MAIL_AUTH_TOKEN": MAIL_TOKEN,
                      "MONBAN_MAIL_BACKEND_IMAP": f"127.0.0.1:{dovecot_port}"}) as cluster:
        runtime = build_runtime(cluster.settings())
        try:
            async def seed() -> None:
                org = await runtime.directory.create_org("Acme", "acme")
                await runtime.directory.create_account(
                    display_name="Hanako", email=EMAIL, password=PASSWORD, org=org,
                    role=Role.MEMBER, language="en")
            asyncio.run(seed())
        finally:
            runtime.close()
        node, = cluster.start(1)
        with mail_servers(node.url, MAIL_TOKEN, dovecot_port) as servers:
            yield node, servers, root


def _login(port: int, user: str, password: str) -> str:
    imap = imaplib.IMAP4("127.0.0.1", port)
    try:
        status, _ = imap.login(user, password)
        imap.noop()
        imap.logout()
        return str(status)
    except imaplib.IMAP4.error as error:
        return f"NO {error}"


def _app_password(node: Node) -> str:
    token = httpx.post(f"{node.url}/api/v1/signin/flows",
                       json={"identifier": EMAIL, "password": PASSWORD}).json()["token"]
    made = httpx.post(f"{node.url}/api/v1/me/app-passwords",
                      headers={"authorization": f"Bearer {token}"},
                      json={"name": "Thunderbird", "current_password": PASSWORD})
    assert made.status_code == 201, made.text
    password: str = made.json()["password"]
    return password


def _require_mfa(cluster_root: Path) -> None:
    """The org now requires MFA: the account password alone no longer does for mail."""
    runtime = build_runtime(Cluster(cluster_root, database_url=_url(cluster_root)).settings())
    try:
        async def change() -> None:
            org = await runtime.directory.org("acme")
            await runtime.directory.update_settings(org, {"mfa_required": True})
        asyncio.run(change())
    finally:
        runtime.close()


def _url(root: Path) -> str:
    return f"sqlite:///{root / 'monban.sqlite3'}"


def test_dovecot_and_nginx_take_app_passwords_and_relay_the_reason(
        world: tuple[Node, MailServers, Path]) -> None:
    node, servers, root = world
    app_password = _app_password(node)
    # MFA off: the account password works in a mail client, through either server.
    assert _login(servers.dovecot_port, EMAIL, PASSWORD) == "OK"
    assert _login(servers.nginx_port, EMAIL, PASSWORD) == "OK"
    assert _login(servers.dovecot_port, EMAIL, app_password) == "OK"
    assert _login(servers.nginx_port, EMAIL, app_password) == "OK"
    refused = _login(servers.nginx_port, EMAIL, "wrong password")
    assert refused.startswith("NO") and "INVALID_CREDENTIALS" in refused
    # MFA on: the account password is refused with the reason (nginx relays it to the
    # client; Dovecot's checkpassword interface can only say "failed"), the app password works.
    _require_mfa(root)
    refused = _login(servers.nginx_port, EMAIL, PASSWORD)
    assert refused.startswith("NO") and "APP_PASSWORD_REQUIRED" in refused, refused
    assert "app-specific password" in refused
    assert _login(servers.nginx_port, EMAIL, app_password) == "OK"
    assert _login(servers.dovecot_port, EMAIL, app_password) == "OK"
    # Last, as Dovecot delays logins from an address after failures from it.
    assert _login(servers.dovecot_port, EMAIL, PASSWORD).startswith("NO")
    assert _login(servers.dovecot_port, EMAIL, "wrong password").startswith("NO")
