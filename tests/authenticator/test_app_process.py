"""The app as a real process (`python -m monban authenticator ...`, its home in tmp_path)
against a real `monban serve` on SQLite: link, approve a push by picking the number, deny,
time out, a wrong number counted as a failure, offline codes, QR sign-in, the restriction,
an old version told to update, and a replayed signed request refused.

One server for the module; each test has its own org (its settings are the test's), member
and app home."""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

from monban.authenticator.client import Client
from monban.authenticator.home import Home
from tests.authenticator import (
    app_env,
    link_payload,
    push_challenge,
    run_app,
    seed,
    set_org,
    sign_in,
    start_app,
    verify_push,
)
from tests.nodes import Cluster, Node

PUSH_TTL = 120
"""Long enough that a busy machine never expires a push the test means to answer."""
SHORT_PUSH_TTL = 2
"""For the one test that waits for a push to expire (on its own server)."""


@dataclass
class Linked:
    http: httpx.Client
    home: Path
    cluster: Cluster
    slug: str

    @property
    def email(self) -> str:
        return f"hanako@{self.slug}.example"

    def org(self, **changes: Any) -> None:
        asyncio.run(set_org(self.cluster.settings(), self.slug, **changes))

    def sign_in(self, password: str = "correct horse battery") -> httpx.Response:
        return sign_in(self.http, self.email, password)

    def challenge(self) -> tuple[str, str, dict[str, Any]]:
        return push_challenge(self.http, self.email)


def _serve(factory: pytest.TempPathFactory, ttl: int) -> Iterator[tuple[Cluster, Node]]:
    root = factory.mktemp("app-process")
    url = f"sqlite:///{root / 'shared.sqlite3'}"
    with Cluster(root, database_url=url,
                 env={"MONBAN_PUSH_TTL_SECONDS": str(ttl)}) as cluster:
        asyncio.run(seed(cluster.settings(), slug="first"))  # migrates before the node starts
        node, = cluster.start(1)
        yield cluster, node


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cluster, Node]]:
    yield from _serve(tmp_path_factory, PUSH_TTL)


@pytest.fixture(scope="module")
def short_ttl_server(tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[tuple[Cluster, Node]]:
    yield from _serve(tmp_path_factory, SHORT_PUSH_TTL)


@pytest.fixture
def linked(server: tuple[Cluster, Node], tmp_path: Path) -> Iterator[Linked]:
    """A member (language ja) of a fresh org, and the app linked to them."""
    yield from _linked(server, tmp_path)


@pytest.fixture
def linked_short(short_ttl_server: tuple[Cluster, Node], tmp_path: Path
                 ) -> Iterator[Linked]:
    """The same, on the server whose pushes expire after SHORT_PUSH_TTL seconds."""
    yield from _linked(short_ttl_server, tmp_path)


def _linked(server: tuple[Cluster, Node], tmp_path: Path) -> Iterator[Linked]:
    cluster, node = server
    slug = "o" + uuid.uuid4().hex[:10]
    asyncio.run(seed(cluster.settings(), language="ja", slug=slug))
    http = httpx.Client(base_url=node.url, timeout=30)
    home = tmp_path / "app-home"
    done = run_app(home, "link", link_payload(http, f"hanako@{slug}.example"), "--name",
                   "test laptop")
    assert done.returncode == 0, done.stderr
    assert f"Linked to hanako@{slug}.example" in done.stdout
    yield Linked(http, home, cluster, slug)
    http.close()


def test_link_keeps_the_key_private(linked: Linked) -> None:
    for name in ("device_key", "state.json"):
        assert stat.S_IMODE((linked.home / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(linked.home.stat().st_mode) == 0o700
    state = json.loads((linked.home / "state.json").read_text())
    assert state["device_id"] and state["own_totp"]["issuer"] == "OneAuth"


def test_approve_a_push_by_picking_the_number(linked: Linked) -> None:
    flow_id, factor_id, challenge = linked.challenge()
    listener = start_app(linked.home, "listen", "--once", "--wait", "30")
    out, err = listener.communicate(f"{challenge['number']}\n", timeout=60)
    assert listener.returncode == 0, err
    assert "Which number does the sign-in page show?" in out and "Approved." in out
    assert str(challenge["number"]) in out
    done = verify_push(linked.http, flow_id, factor_id)
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


def test_deny_a_push(linked: Linked) -> None:
    flow_id, factor_id, challenge = linked.challenge()
    listed = run_app(linked.home, "pending")
    assert challenge["challenge_id"] in listed.stdout
    denied = run_app(linked.home, "deny", challenge["challenge_id"])
    assert denied.returncode == 0 and "Denied." in denied.stdout
    refused = verify_push(linked.http, flow_id, factor_id)
    assert refused.json()["error"]["code"] == "PUSH_DENIED"


def test_a_push_times_out(linked_short: Linked) -> None:
    linked = linked_short
    flow_id, factor_id, challenge = linked.challenge()
    deadline = time.monotonic() + 60
    while challenge["challenge_id"] in run_app(linked.home, "pending").stdout:
        assert time.monotonic() < deadline, "the push never expired"
    late = run_app(linked.home, "approve", challenge["challenge_id"], "--number",
                   str(challenge["number"]))
    assert late.returncode == 1 and "PUSH_TIMED_OUT" in late.stderr, (late.returncode,
                                                                       late.stderr)
    refused = verify_push(linked.http, flow_id, factor_id)
    assert refused.status_code == 408 and refused.json()["error"]["code"] == "PUSH_TIMED_OUT"


def test_a_wrong_number_counts_as_a_failure(linked: Linked) -> None:
    linked.org(lockout_threshold=1)
    flow_id, factor_id, challenge = linked.challenge()
    wrong = next(n for n in range(10, 100) if n != challenge["number"])
    answered = run_app(linked.home, "approve", challenge["challenge_id"], "--number",
                       str(wrong))
    assert answered.returncode == 1 and "not the number shown" in answered.stdout
    # The failure counts: with a threshold of one, this browser is now locked out.
    assert verify_push(linked.http, flow_id, factor_id).json()["error"]["code"] == \
        "SIGNIN_ATTEMPTS_EXCEEDED"
    assert linked.sign_in().json()["error"]["code"] == "SIGNIN_ATTEMPTS_EXCEEDED"


def test_offline_codes_sign_in(linked: Linked) -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    added = run_app(linked.home, "add-otpauth",
                    f"otpauth://totp/Example:me@example.com?secret={secret}&issuer=Example")
    assert added.returncode == 0, added.stderr
    shown = run_app(linked.home, "codes")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert any(pyotp.TOTP(secret).now() in line and "Example" in line for line in lines)
    own = next(line for line in lines if "OneAuth" in line).split()[0]
    body = linked.sign_in().json()
    totp = next(f for f in body["factors"] if f["kind"] == "totp")
    done = linked.http.post(f"/api/v1/signin/flows/{body['flow']['id']}/mfa/verify",
                            json={"factor_id": totp["id"], "response": {"code": own}})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


def test_restriction_from_the_app(linked: Linked) -> None:
    flow_id, factor_id, challenge = linked.challenge()
    approved = run_app(linked.home, "approve", challenge["challenge_id"], "--number",
                       str(challenge["number"]))
    assert approved.returncode == 0, approved.stderr
    token = verify_push(linked.http, flow_id, factor_id).json()["token"]
    on = run_app(linked.home, "restrict", "on")
    assert on.returncode == 0 and "Sign-in restriction: on" in on.stdout
    refused = linked.http.post("/api/v1/signin/flows", headers={"Accept-Language": "ja"},
                               json={"identifier": linked.email,
                                     "password": "correct horse battery"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "SIGNIN_RESTRICTED"
    assert refused.json()["error"]["message"] == \
        "サインイン制限が有効になっています。OneAuthアプリで無効にできます。"
    me = linked.http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200  # the session opened before keeps working
    sessions = run_app(linked.home, "sessions")
    assert sessions.returncode == 0 and sessions.stdout.strip()
    off = run_app(linked.home, "restrict", "off")
    assert off.returncode == 0 and "Sign-in restriction: off" in off.stdout
    assert linked.sign_in().json()["state"] == "mfa"


def test_old_app_is_told_to_update(linked: Linked) -> None:
    fine = run_app(linked.home, "update", "check")
    assert fine.returncode == 0 and "up to date" in fine.stdout
    linked.org(authenticator_min_version="99.0")
    old = run_app(linked.home, "update", "check")
    assert old.returncode == 3
    assert "アカウントにログインするには、OneAuthアプリを更新する必要があります。" in old.stderr
    assert "Update it: pip install --upgrade monban" in old.stderr
    body = linked.sign_in().json()
    push = next(f for f in body["factors"] if f["kind"] == "push")
    refused = linked.http.post(f"/api/v1/signin/flows/{body['flow']['id']}/mfa/challenge",
                               json={"factor_id": push["id"]})
    assert refused.json()["error"]["code"] == "AUTHENTICATOR_UPDATE_REQUIRED"


def test_qr_sign_in_with_the_app(linked: Linked) -> None:
    linked.org(qr_signin_allowed=True)
    qr = linked.http.post("/api/v1/signin/qr").json()["qr"]
    finish = f"/api/v1/signin/qr/{qr['id']}/finish"
    assert linked.http.post(finish, json={"secret": qr["secret"]}).status_code == 202
    scanned = run_app(linked.home, "scan", qr["payload"], "--yes")
    assert scanned.returncode == 0, scanned.stderr
    done = linked.http.post(finish, json={"secret": qr["secret"]})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


def test_a_replayed_signed_request_is_refused(linked: Linked) -> None:
    home = Home(linked.home)
    state = home.state()
    client = Client(state["server"], state["device_id"], home.key())
    path = "/api/v1/authenticator/restriction"
    headers = {**client.signed_headers("GET", path, b""),
               "X-Monban-Authenticator-Version": "0.1.0"}
    assert linked.http.get(path, headers=headers).status_code == 200
    replayed = linked.http.get(path, headers=headers)
    assert replayed.status_code == 400
    assert replayed.json()["error"]["detail"] == {"signature": "replayed"}
    client.close()


def test_the_app_speaks_japanese(linked: Linked) -> None:
    env = {**app_env(linked.home), "MONBAN_AUTHENTICATOR_LANG": "ja"}
    shown = subprocess.run([sys.executable, "-m", "monban", "authenticator", "restrict",
                            "status"], env=env, capture_output=True, text=True, check=False)
    assert shown.returncode == 0 and "サインイン制限: 無効" in shown.stdout
