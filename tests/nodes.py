"""Real `monban serve` processes on loopback ports, for the multi-node and fault tests.

    with Cluster(tmp_path, database_url=url, redis_url=redis) as cluster:
        a, b, c = cluster.start(3)
        httpx.get(f"{a.url}/readyz")

Every node shares the database, Redis, the secret key and cheap Argon2 parameters; each has
its own data directory and log file (printed when a node fails to start). The child
processes inherit this process's environment, so PYTHONPATH reaches them too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

from monban.config import Settings

SECRET = "nodes-test-secret-key-0123456789abcdef0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Node:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """SIGKILL by default: the node dies without finishing anything."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


@dataclass
class Cluster:
    root: Path
    database_url: str = ""
    redis_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)

    def settings(self, **overrides: object) -> Settings:
        """Settings for an in-process Runtime on the same data (to seed orgs and accounts)."""
        values: dict[str, object] = dict(
            data_dir=self.root / "seed", database_url=self.database_url,
            redis_url=self.redis_url, secret_key=SECRET, argon2_memory_kib=1024,
            argon2_time_cost=1, default_language="en", authenticator_app_name="OneAuth",
            trusted_proxies=["127.0.0.1"])
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    def node_env(self, name: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "MONBAN_DATA_DIR": str(self.root / name),
            "MONBAN_DATABASE_URL": self.database_url,
            "MONBAN_REDIS_URL": self.redis_url,
            "MONBAN_SECRET_KEY": SECRET,
            "MONBAN_ARGON2_MEMORY_KIB": "1024",
            "MONBAN_ARGON2_TIME_COST": "1",
            "MONBAN_DEFAULT_LANGUAGE": "en",
            "MONBAN_AUTHENTICATOR_APP_NAME": "OneAuth",
            "MONBAN_TRUSTED_PROXIES": '["127.0.0.1"]',
        })
        env.update(self.env)
        return env

    def start(self, count: int = 1, *args: str) -> list[Node]:
        """Starts `count` more nodes (extra `monban serve` arguments in args) and waits until
        each answers /healthz."""
        started = [self._spawn(f"node{len(self.nodes) + i}", args) for i in range(count)]
        for node in started:
            self.wait_ready(node)
        return started

    def restart(self, node: Node) -> Node:
        """A new process on the same port and data directory as `node` (which must be down)."""
        node.kill()
        fresh = self._spawn(node.name, (), port=node.port)
        self.wait_ready(fresh)
        return fresh

    def _spawn(self, name: str, args: tuple[str, ...], port: int | None = None) -> Node:
        port = port or free_port()
        (self.root / name).mkdir(parents=True, exist_ok=True)
        log = self.root / f"{name}.log"
        command = [sys.executable, "-m", "monban", "serve", "--port", str(port), *args]
        with log.open("ab") as out:
            process = subprocess.Popen(command, env=self.node_env(name), stdout=out,
                                       stderr=subprocess.STDOUT)
        node = Node(name, port, process, log)
        self.nodes.append(node)
        return node

    def wait_ready(self, node: Node, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if node.process.poll() is not None:
                raise RuntimeError(f"{node.name} exited:\n{node.log.read_text()[-4000:]}")
            try:
                if httpx.get(f"{node.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{node.name} did not start:\n{node.log.read_text()[-4000:]}")

    def close(self) -> None:
        for node in self.nodes:
            try:
                node.stop()
            except subprocess.TimeoutExpired:
                node.kill()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
