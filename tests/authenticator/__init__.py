"""Helpers for running the authenticator app as a real process against real nodes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from monban.accounts.model import Account, Org
from monban.config import Settings
from monban.runtime import build_runtime

PASSWORD = "correct horse battery"


def app_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"MONBAN_AUTHENTICATOR_HOME": str(home), "MONBAN_AUTHENTICATOR_LANG": "en"})
    return env


def run_app(home: Path, *args: str, stdin: str = "", timeout: float = 60
            ) -> subprocess.CompletedProcess[str]:
    """`python -m monban authenticator ...` with its own home directory."""
    return subprocess.run([sys.executable, "-m", "monban", "authenticator", *args],
                          env=app_env(home), input=stdin, capture_output=True, text=True,
                          timeout=timeout, check=False)


def start_app(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "monban", "authenticator", *args],
                            env=app_env(home), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


async def seed(settings: Settings, language: str = "en", slug: str = "acme"
               ) -> tuple[Org, Account]:
    """An org `slug` with one member, hanako@<slug>.example."""
    runtime = build_runtime(settings)
    try:
        org = await runtime.directory.create_org(slug.title(), slug)
        account = await runtime.directory.create_account(
            display_name="Hanako", email=f"hanako@{slug}.example", password=PASSWORD, org=org,
            language=language)
        return org, account
    finally:
        runtime.close()


async def set_org(settings: Settings, slug: str = "acme", **changes: Any) -> None:
    runtime = build_runtime(settings, migrate=False)
    try:
        org = await runtime.directory.org(slug)
        await runtime.directory.update_settings(org, changes)
    finally:
        runtime.close()


def sign_in(http: httpx.Client, identifier: str = "hanako@acme.example",
            password: str = PASSWORD) -> httpx.Response:
    return http.post("/api/v1/signin/flows", json={"identifier": identifier,
                                                   "password": password})


def link_payload(http: httpx.Client, identifier: str = "hanako@acme.example") -> str:
    token = sign_in(http, identifier).json()["token"]
    made = http.post("/api/v1/me/authenticator/links", json={},
                     headers={"Authorization": f"Bearer {token}"})
    assert made.status_code == 201, made.text
    payload: str = made.json()["link"]["payload"]
    return payload


def push_challenge(http: httpx.Client, identifier: str = "hanako@acme.example"
                   ) -> tuple[str, str, dict[str, Any]]:
    """Password proven, push challenged: (flow id, factor id, challenge)."""
    body = sign_in(http, identifier).json()
    assert body["state"] == "mfa", body
    factor = next(f for f in body["factors"] if f["kind"] == "push")
    flow_id = body["flow"]["id"]
    challenged = http.post(f"/api/v1/signin/flows/{flow_id}/mfa/challenge",
                           json={"factor_id": factor["id"]})
    assert challenged.status_code == 200, challenged.text
    return flow_id, factor["id"], challenged.json()["challenge"]


def verify_push(http: httpx.Client, flow_id: str, factor_id: str) -> httpx.Response:
    return http.post(f"/api/v1/signin/flows/{flow_id}/mfa/verify",
                     json={"factor_id": factor_id, "response": {}})
