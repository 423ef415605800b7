"""Signed authenticator-app requests versus ordinary session requests, on one real server.

    python bench/authenticator_signed_requests.py [--seconds 5] [--threads 8]

Starts `python -m monban serve` on a temporary SQLite data dir, links one device, then runs
two closed loops of the same length with the same client threads: (a) signed device calls
(`GET /api/v1/authenticator/restriction`: Ed25519 verify, timestamp window, one INSERT of the
nonce on a unique key, the device's last-seen update) and (b) bearer-session calls
(`GET /api/v1/me`: session lookup). It prints both rates and their ratio (a)/(b), the cost of
replay protection per request; the goal is a ratio >= 0.5 (a signed call costs at most one
extra write transaction). Nothing here runs in CI."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from monban.authenticator.client import Client
from monban.authenticator.home import Home
from monban.config import Settings
from monban.devices.signature import public_key_text
from monban.runtime import build_runtime

PASSWORD = "correct horse battery staple"
GOAL = 0.5


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _seed(settings: Settings) -> None:
    runtime = build_runtime(settings)
    try:
        org = await runtime.directory.create_org("Bench", "bench")
        await runtime.directory.create_account(display_name="Bench", email="b@bench.example",
                                               password=PASSWORD, org=org, language="en")
    finally:
        runtime.close()


def _loop(seconds: float, threads: int, call: Callable[[httpx.Client], httpx.Response]
          ) -> float:
    """Calls per second of `call(http)` from `threads` threads for `seconds`."""
    done = [0] * threads
    stop = time.monotonic() + seconds

    def work(index: int) -> None:
        with httpx.Client(base_url=BASE, timeout=30) as http:
            while time.monotonic() < stop:
                response = call(http)
                assert response.status_code == 200, response.text
                done[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / seconds


BASE = ""


def main() -> int:
    global BASE
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        env = {**os.environ, "MONBAN_DATA_DIR": str(data), "MONBAN_ARGON2_MEMORY_KIB": "1024",
               "MONBAN_ARGON2_TIME_COST": "1", "MONBAN_SECRET_KEY": "bench-" + "x" * 40}
        settings = Settings(data_dir=data, argon2_memory_kib=1024, argon2_time_cost=1,
                            secret_key=env["MONBAN_SECRET_KEY"])
        asyncio.run(_seed(settings))
        port = _port()
        BASE = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "monban", "serve", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{BASE}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            http = httpx.Client(base_url=BASE, timeout=30)
            token = http.post("/api/v1/signin/flows", json={
                "identifier": "b@bench.example", "password": PASSWORD}).json()["token"]
            bearer = {"Authorization": f"Bearer {token}"}
            code = http.post("/api/v1/me/authenticator/links", json={},
                             headers=bearer).json()["link"]["code"]
            key = Home(Path(tmp)).new_key()
            linked = Client(BASE).link(code, public_key_text(key), "bench", "bench")
            device = Client(BASE, linked["device"]["id"], key)
            path = "/api/v1/authenticator/restriction"

            def signed(client: httpx.Client) -> httpx.Response:
                headers = device.signed_headers("GET", path, b"")
                headers["X-Monban-Authenticator-Version"] = "0.1.0"
                return client.get(path, headers=headers)

            def session(client: httpx.Client) -> httpx.Response:
                return client.get("/api/v1/me", headers=bearer)

            _loop(1.0, args.threads, session)  # warm-up
            plain = _loop(args.seconds, args.threads, session)
            signed_rate = _loop(args.seconds, args.threads, signed)
            ratio = signed_rate / plain
            print(f"session calls:  {plain:8.0f}/s  (GET /api/v1/me, bearer token)")
            print(f"signed calls:   {signed_rate:8.0f}/s  (GET {path}, Ed25519 + nonce)")
            print(f"ratio signed/session: {ratio:.2f}  (goal >= {GOAL}) "
                  f"{'OK' if ratio >= GOAL else 'BELOW GOAL'}")
            return 0 if ratio >= GOAL else 1
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
