"""The app as a real process (`python -m monban authenticator ...`, its home in tmp_path)
against a real `monban serve` on SQLite: link, approve a push by picking the number, deny,
time out, a wrong number counted as a failure, offline codes, QR sign-in, the restriction,
an old version told to update, and a replayed signed request refused."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
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
from tests.nodes import Cluster

PUSH_TTL = 6


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with Cluster(tmp_path, database_url=url,
                 env={"MONBAN_PUSH_TTL_SECONDS": str(PUSH_TTL)}) as running:
        yield running


@pytest.fixture
async def linked(cluster: Cluster, tmp_path: Path) -> dict[str, Any]:
    """A node, a member (language ja) and the app linked to them."""
    await seed(cluster.settings(), language="ja")
    node, = cluster.start(1)
    http = httpx.Client(base_url=node.url, timeout=30)
    home = tmp_path / "app-home"
    done = run_app(home, "link", link_payload(http), "--name", "test laptop")
    assert done.returncode == 0, done.stderr
    assert "Linked to hanako@acme.example" in done.stdout
    return {"http": http, "home": home, "node": node, "cluster": cluster}


def test_link_keeps_the_key_private(linked: dict[str, Any]) -> None:
    home: Path = linked["home"]
    for name in ("device_key", "state.json"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    state = json.loads((home / "state.json").read_text())
    assert state["device_id"] and state["own_totp"]["issuer"] == "OneAuth"


def test_approve_a_push_by_picking_the_number(linked: dict[str, Any]) -> None:
    http = linked["http"]
    flow_id, factor_id, challenge = push_challenge(http)
    listener = start_app(linked["home"], "listen", "--once", "--wait", "30")
    out, err = listener.communicate(f"{challenge['number']}\n", timeout=60)
    assert listener.returncode == 0, err
    assert "Which number does the sign-in page show?" in out and "Approved." in out
    assert str(challenge["number"]) in out
    done = verify_push(http, flow_id, factor_id)
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


def test_deny_a_push(linked: dict[str, Any]) -> None:
    http = linked["http"]
    flow_id, factor_id, challenge = push_challenge(http)
    listed = run_app(linked["home"], "pending")
    assert challenge["challenge_id"] in listed.stdout
    denied = run_app(linked["home"], "deny", challenge["challenge_id"])
    assert denied.returncode == 0 and "Denied." in denied.stdout
    refused = verify_push(http, flow_id, factor_id)
    assert refused.json()["error"]["code"] == "PUSH_DENIED"


def test_a_push_times_out(linked: dict[str, Any]) -> None:
    http = linked["http"]
    flow_id, factor_id, challenge = push_challenge(http)
    time.sleep(PUSH_TTL + 0.5)
    late = run_app(linked["home"], "approve", challenge["challenge_id"], "--number",
                   str(challenge["number"]))
    assert late.returncode == 1 and "PUSH_TIMED_OUT" in late.stderr
    refused = verify_push(http, flow_id, factor_id)
    assert refused.status_code == 408 and refused.json()["error"]["code"] == "PUSH_TIMED_OUT"


async def test_a_wrong_number_counts_as_a_failure(linked: dict[str, Any]) -> None:
    cluster: Cluster = linked["cluster"]
    await set_org(cluster.settings(), lockout_threshold=1)
    http = linked["http"]
    flow_id, factor_id, challenge = push_challenge(http)
    wrong = next(n for n in range(10, 100) if n != challenge["number"])
    answered = run_app(linked["home"], "approve", challenge["challenge_id"], "--number",
                       str(wrong))
    assert answered.returncode == 1 and "not the number shown" in answered.stdout
    # The failure counts: with a threshold of one, this browser is now locked out.
    assert verify_push(http, flow_id, factor_id).json()["error"]["code"] == \
        "SIGNIN_ATTEMPTS_EXCEEDED"
    assert sign_in(http).json()["error"]["code"] == "SIGNIN_ATTEMPTS_EXCEEDED"


def test_offline_codes_sign_in(linked: dict[str, Any]) -> None:
    http = linked["http"]
    added = run_app(linked["home"], "add-otpauth",
                    "otpauth://totp/Example:me@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example")
    assert added.returncode == 0, added.stderr
    shown = run_app(linked["home"], "codes")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert any(pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now() in line and "Example" in line
               for line in lines)
    own = next(line for line in lines if "OneAuth" in line).split()[0]
    body = sign_in(http).json()
    totp = next(f for f in body["factors"] if f["kind"] == "totp")
    done = http.post(f"/api/v1/signin/flows/{body['flow']['id']}/mfa/verify",
                     json={"factor_id": totp["id"], "response": {"code": own}})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


def test_restriction_from_the_app(linked: dict[str, Any]) -> None:
    http = linked["http"]
    flow_id, factor_id, challenge = push_challenge(http)
    run_app(linked["home"], "approve", challenge["challenge_id"], "--number",
            str(challenge["number"]))
    token = verify_push(http, flow_id, factor_id).json()["token"]
    on = run_app(linked["home"], "restrict", "on")
    assert on.returncode == 0 and "Sign-in restriction: on" in on.stdout
    refused = http.post("/api/v1/signin/flows", headers={"Accept-Language": "ja"}, json={
        "identifier": "hanako@acme.example", "password": "correct horse battery"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "SIGNIN_RESTRICTED"
    assert refused.json()["error"]["message"] == \
        "サインイン制限が有効になっています。OneAuthアプリで無効にできます。"
    me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200  # the session opened before keeps working
    sessions = run_app(linked["home"], "sessions")
    assert sessions.returncode == 0 and sessions.stdout.strip()
    off = run_app(linked["home"], "restrict", "off")
    assert off.returncode == 0 and "Sign-in restriction: off" in off.stdout
    assert sign_in(http).json()["state"] == "mfa"


async def test_old_app_is_told_to_update(linked: dict[str, Any]) -> None:
    cluster: Cluster = linked["cluster"]
    fine = run_app(linked["home"], "update", "check")
    assert fine.returncode == 0 and "up to date" in fine.stdout
    await set_org(cluster.settings(), authenticator_min_version="99.0")
    old = run_app(linked["home"], "update", "check")
    assert old.returncode == 3
    assert "アカウントにログインするには、OneAuthアプリを更新する必要があります。" in old.stderr
    assert "Update it: pip install --upgrade monban" in old.stderr
    body = sign_in(linked["http"]).json()
    push = next(f for f in body["factors"] if f["kind"] == "push")
    refused = linked["http"].post(f"/api/v1/signin/flows/{body['flow']['id']}/mfa/challenge",
                                  json={"factor_id": push["id"]})
    assert refused.json()["error"]["code"] == "AUTHENTICATOR_UPDATE_REQUIRED"


async def test_qr_sign_in_with_the_app(linked: dict[str, Any]) -> None:
    cluster: Cluster = linked["cluster"]
    await set_org(cluster.settings(), qr_signin_allowed=True)
    http = linked["http"]
    qr = http.post("/api/v1/signin/qr").json()["qr"]
    finish = f"/api/v1/signin/qr/{qr['id']}/finish"
    assert http.post(finish, json={"secret": qr["secret"]}).status_code == 202
    scanned = run_app(linked["home"], "scan", qr["payload"], "--yes")
    assert scanned.returncode == 0, scanned.stderr
    done = http.post(finish, json={"secret": qr["secret"]})
    assert done.status_code == 200 and done.json()["state"] == "done", done.text


def test_a_replayed_signed_request_is_refused(linked: dict[str, Any]) -> None:
    home = Home(linked["home"])
    state = home.state()
    client = Client(state["server"], state["device_id"], home.key())
    path = "/api/v1/authenticator/restriction"
    headers = {**client.signed_headers("GET", path, b""),
               "X-Monban-Authenticator-Version": "0.1.0"}
    http = linked["http"]
    assert http.get(path, headers=headers).status_code == 200
    replayed = http.get(path, headers=headers)
    assert replayed.status_code == 400
    assert replayed.json()["error"]["detail"] == {"signature": "replayed"}
    client.close()


def test_the_app_speaks_japanese(linked: dict[str, Any]) -> None:
    env = {**app_env(linked["home"]), "MONBAN_AUTHENTICATOR_LANG": "ja"}
    shown = subprocess.run([sys.executable, "-m", "monban", "authenticator", "restrict",
                            "status"], env=env, capture_output=True, text=True, check=False)
    assert shown.returncode == 0 and "サインイン制限: 無効" in shown.stdout
