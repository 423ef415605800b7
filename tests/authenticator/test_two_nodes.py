"""Two Monban nodes on PostgreSQL + Redis: the browser's sign-in runs on node A, the app is
connected to node B, and the approval completes the sign-in on A. The challenge reaches B
through Redis pub/sub (each test has its own key prefix), not through B re-reading the
database: the app is connected before the challenge exists and answers within seconds,
well inside the stream's 15-second keepalive."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests.authenticator import link_payload, push_challenge, run_app, seed, start_app, verify_push
from tests.nodes import Cluster
from tests.postgres import private_schema


def redis_url() -> str:
    url = os.environ.get("MONBAN_TEST_REDIS_URL")
    if not url:
        pytest.skip("MONBAN_TEST_REDIS_URL is not set (.ci/run sets it)")
    return url


def test_app_on_node_b_approves_a_sign_in_on_node_a(tmp_path: Path) -> None:
    redis = redis_url()
    with private_schema() as url:
        prefix = f"monban-test-{uuid.uuid4().hex[:12]}:"
        with Cluster(tmp_path, database_url=url, redis_url=redis,
                     env={"MONBAN_REDIS_KEY_PREFIX": prefix}) as cluster:
            asyncio.run(seed(cluster.settings(redis_key_prefix=prefix)))
            a, b = cluster.start(2)
            on_a = httpx.Client(base_url=a.url, timeout=30)
            on_b = httpx.Client(base_url=b.url, timeout=30)
            home = tmp_path / "app-home"
            linked = run_app(home, "link", link_payload(on_b), "--name", "phone")
            assert linked.returncode == 0, linked.stderr
            listener = start_app(home, "listen", "--once", "--wait", "60")
            assert listener.stdout is not None and listener.stdin is not None
            for _ in range(5):
                line = listener.stdout.readline()
                if line.startswith("Connected to"):
                    break
            assert b.url in line, line  # the app talks to node B only
            flow_id, factor_id, challenge = push_challenge(on_a)
            asked = time.monotonic()
            listener.stdin.write(f"{challenge['number']}\n")
            listener.stdin.flush()
            out, err = listener.communicate(timeout=30)
            assert listener.returncode == 0, err
            assert "Approved." in out
            assert time.monotonic() - asked < 10
            done = verify_push(on_a, flow_id, factor_id)
            assert done.status_code == 200 and done.json()["state"] == "done", done.text
            on_a.close()
            on_b.close()
