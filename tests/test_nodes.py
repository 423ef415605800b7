"""The harness itself: two real nodes on one SQLite file answer and stop."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.nodes import Cluster


def test_two_nodes_serve_the_same_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    with Cluster(tmp_path, database_url=url) as cluster:
        a, b = cluster.start(2)
        for node in (a, b):
            assert httpx.get(f"{node.url}/readyz", timeout=5).json() == {"status": "ready"}
        a.kill()
        assert a.process.returncode != 0
        assert httpx.get(f"{b.url}/healthz", timeout=5).status_code == 200
