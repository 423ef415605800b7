"""OpenID Connect provider throughput: client_credentials and refresh_token grants/s,
introspections/s and UserInfo/s against a real `monban serve` (SQLite, and PostgreSQL when
MONBAN_TEST_POSTGRES_URL is set), and the same two grants against npm's oidc-provider
started in the same run (bench/oidc_provider/), with the ratios.

    python bench/oidc_throughput.py [--seconds 5] [--rounds 3] [--concurrency 32] [--workers 1]

Each measure is a closed loop: `concurrency` requests in flight on keep-alive connections
(bench_http.py), 2 s warm-up, then `seconds` measured. The grants run in rounds that
alternate between the servers, and each result is the median of its rounds, so the ratios
hold up when the machine's load changes during the run. The load generator shares the cores
with the servers; its own CPU and the load average are printed."""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from bench_http import Connection

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from monban.accounts.model import Role  # noqa: E402
from monban.config import Settings  # noqa: E402
from monban.oidc import pkce, registration  # noqa: E402
from monban.oidc.clients import Client  # noqa: E402
from monban.runtime import build_runtime  # noqa: E402

HERE = Path(__file__).parent
PASSWORD = "correct horse battery staple 42"
EMAIL = "rp@bench.example"
CALLBACK = "http://127.0.0.1:9/cb"
SECRET_KEY = "bench-secret-key-0123456789abcdef0123456789abcdef"
GOALS = {"grants": 1500.0, "introspection": 5000.0, "ratio": 1.0}


@dataclass
class Target:
    name: str
    host: str
    port: int
    client_id: str
    client_secret: str
    token_path: str
    refresh_tokens: list[str]
    access_token: str = ""
    machine_token: str = ""
    introspect_path: str = ""
    userinfo_path: str = ""

    @property
    def basic(self) -> str:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode()


def form_request(target: Target, path: str, form: dict[str, str], auth: str) -> bytes:
    body = urlencode(form).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
            f"Authorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def closed_loop(target: Target, concurrency: int, seconds: float,
                      make: Callable[[int], Callable[[Connection], Awaitable[None]]]
                      ) -> tuple[float, float]:
    """(requests/s, load generator CPU % of one core)."""
    connections = [await Connection.open(target.host, target.port)
                   for _ in range(concurrency)]
    done = 0
    counting = False
    stop = False

    async def worker(index: int, conn: Connection) -> None:
        nonlocal done
        step = make(index)
        while not stop:
            await step(conn)
            if counting:
                done += 1

    tasks = [asyncio.create_task(worker(i, c)) for i, c in enumerate(connections)]
    await asyncio.sleep(2)
    counting = True
    cpu0, t0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    counting = False
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    stop = True
    await asyncio.gather(*tasks)
    for conn in connections:
        await conn.close()
    return done / elapsed, 100 * cpu / elapsed


def client_credentials(target: Target) -> Callable[[int], Callable[[Connection], Awaitable[None]]]:
    raw = form_request(target, target.token_path, {"grant_type": "client_credentials"},
                       target.basic)

    def make(_: int) -> Callable[[Connection], Awaitable[None]]:
        async def step(conn: Connection) -> None:
            status, body = await conn.request(raw)
            if status != 200:
                raise RuntimeError(f"client_credentials: {status} {body[:200]!r}")
        return step
    return make


def refresh(target: Target) -> Callable[[int], Callable[[Connection], Awaitable[None]]]:
    def make(index: int) -> Callable[[Connection], Awaitable[None]]:
        async def step(conn: Connection) -> None:  # each connection follows its own chain
            raw = form_request(target, target.token_path, {
                "grant_type": "refresh_token",
                "refresh_token": target.refresh_tokens[index]}, target.basic)
            status, body = await conn.request(raw)
            if status != 200:
                raise RuntimeError(f"refresh_token: {status} {body[:200]!r}")
            target.refresh_tokens[index] = json.loads(body)["refresh_token"]
        return step
    return make


def introspection(target: Target, token: str
                  ) -> Callable[[int], Callable[[Connection], Awaitable[None]]]:
    raw = form_request(target, target.introspect_path, {"token": token}, target.basic)

    def make(_: int) -> Callable[[Connection], Awaitable[None]]:
        async def step(conn: Connection) -> None:
            status, body = await conn.request(raw)
            if status != 200 or b'"active":true' not in body.replace(b" ", b""):
                raise RuntimeError(f"introspection: {status} {body[:200]!r}")
        return step
    return make


def userinfo(target: Target) -> Callable[[int], Callable[[Connection], Awaitable[None]]]:
    raw = (f"GET {target.userinfo_path} HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
           f"Authorization: Bearer {target.access_token}\r\n\r\n").encode()

    def make(_: int) -> Callable[[Connection], Awaitable[None]]:
        async def step(conn: Connection) -> None:
            status, body = await conn.request(raw)
            if status != 200:
                raise RuntimeError(f"userinfo: {status} {body[:200]!r}")
        return step
    return make


# -- Monban --------------------------------------------------------------------------------
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed_monban(settings: Settings) -> tuple[str, str]:
    runtime = build_runtime(settings)

    async def work() -> tuple[str, str]:
        org = await runtime.directory.create_org("Bench", "bench")
        await runtime.directory.create_account(display_name="Bench Person", email=EMAIL,
                                               password=PASSWORD, org=org, role=Role.MEMBER,
                                               language="en")
        client, secret = await registration.create(runtime.oidc, Client(
            id="", name="Bench", public=False, redirect_uris=(CALLBACK,), skip_consent=True,
            grants=("authorization_code", "refresh_token", "client_credentials"),
            scopes=("openid", "profile", "email")))
        await runtime.oidc.ring()
        assert secret
        return client.id, secret

    try:
        return asyncio.run(work())
    finally:
        runtime.close()


def monban_tokens(base: str, client_id: str, secret: str, count: int
                  ) -> tuple[list[str], str, str]:
    """`count` refresh tokens (each from its own code flow), a person's access token and a
    client_credentials access token."""
    with httpx.Client(base_url=base, timeout=60) as web:
        session = web.post("/api/v1/signin/flows", json={"identifier": EMAIL,
                                                         "password": PASSWORD}).json()["token"]
        web.cookies.set("monban_session", session)
        refresh_tokens, access = [], ""
        for _ in range(count):
            verifier = secrets.token_urlsafe(48)
            answer = web.get("/oauth/authorize", params={
                "response_type": "code", "client_id": client_id, "redirect_uri": CALLBACK,
                "scope": "openid profile email", "code_challenge": pkce.s256(verifier),
                "code_challenge_method": "S256"})
            code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
            tokens = web.post("/oauth/token", auth=(client_id, secret), data={
                "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                "code_verifier": verifier}).json()
            refresh_tokens.append(tokens["refresh_token"])
            access = tokens["access_token"]
        machine = web.post("/oauth/token", auth=(client_id, secret),
                           data={"grant_type": "client_credentials"}).json()["access_token"]
    return refresh_tokens, access, machine


def start_monban(data_dir: Path, database_url: str, workers: int
                 ) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, "MONBAN_DATA_DIR": str(data_dir), "MONBAN_SECRET_KEY": SECRET_KEY,
           "MONBAN_DATABASE_URL": database_url, "MONBAN_ARGON2_MEMORY_KIB": "1024",
           "MONBAN_ARGON2_TIME_COST": "1", "PYTHONPATH": str(HERE.parent / "src")}
    args = [sys.executable, "-m", "monban", "serve", "--port", str(port)]
    if workers > 1:
        args += ["--workers", str(workers)]
    log = (data_dir / "serve.log").open("wb")
    process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_up(f"http://127.0.0.1:{port}/healthz", process)
    return process, port


def wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def monban_target(root: Path, label: str, database_url: str, concurrency: int, workers: int
                  ) -> tuple[Target, subprocess.Popen[bytes]]:
    data_dir = root / label
    data_dir.mkdir()
    url = database_url or f"sqlite:///{data_dir / 'monban.sqlite3'}"
    settings = Settings(data_dir=data_dir, database_url=url, secret_key=SECRET_KEY,
                        argon2_memory_kib=1024, argon2_time_cost=1)
    with ThreadPoolExecutor(1) as pool:
        client_id, secret = pool.submit(seed_monban, settings).result()
    process, port = start_monban(data_dir, url, workers)
    refresh_tokens, access, machine = monban_tokens(f"http://127.0.0.1:{port}", client_id,
                                                    secret, concurrency)
    return Target(f"Monban ({label})", "127.0.0.1", port, client_id, secret, "/oauth/token",
                  refresh_tokens, access, machine, "/oauth/introspect",
                  "/oauth/userinfo"), process


# -- oidc-provider ---------------------------------------------------------------------------
def start_oidc_provider(concurrency: int) -> tuple[Target, subprocess.Popen[bytes]] | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    folder = HERE / "oidc_provider"
    if node is None or npm is None:
        print("oidc-provider: node/npm not found, skipped")
        return None
    if not (folder / "node_modules" / "oidc-provider").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=folder, check=True,
                       capture_output=True)
    port = free_port()
    client_secret = secrets.token_urlsafe(32)
    env = {**os.environ, "PORT": str(port), "CLIENT_SECRET": client_secret,
           "REDIRECT_URI": CALLBACK}
    process = subprocess.Popen([node, str(folder / "server.mjs")], cwd=folder, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_up(f"{base}/.well-known/openid-configuration", process)
    refresh_tokens = [provider_refresh_token(base, client_secret) for _ in range(concurrency)]
    return Target("oidc-provider", "127.0.0.1", port, "bench", client_secret, "/token",
                  refresh_tokens, introspect_path="/token/introspection",
                  userinfo_path="/me"), process


def provider_refresh_token(base: str, client_secret: str) -> str:
    """A code flow through oidc-provider's development interactions (any login)."""
    with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as web:
        verifier = secrets.token_urlsafe(48)
        answer = web.get("/auth", params={
            "response_type": "code", "client_id": "bench", "redirect_uri": CALLBACK,
            "scope": "openid offline_access", "prompt": "consent",
            "code_challenge": pkce.s256(verifier), "code_challenge_method": "S256"})
        for _ in range(10):
            location = answer.headers["location"]
            if location.startswith(CALLBACK):
                break
            page = web.get(location)
            if page.status_code in (302, 303):
                answer = page
                continue
            uid = urlsplit(location).path.rstrip("/").split("/")[-1]
            if 'name="login"' in page.text:
                answer = web.post(f"/interaction/{uid}", data={
                    "prompt": "login", "login": "bench", "password": "x"})
            else:
                answer = web.post(f"/interaction/{uid}", data={"prompt": "consent"})
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        tokens = web.post("/token", auth=("bench", client_secret), data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            "code_verifier": verifier}).json()
        return str(tokens["refresh_token"])


# -- the run ----------------------------------------------------------------------------------
GRANTS = ("refresh_token", "client_credentials")


def grant_loop(target: Target, grant: str
               ) -> Callable[[int], Callable[[Connection], Awaitable[None]]]:
    return refresh(target) if grant == "refresh_token" else client_credentials(target)


async def measure_grants(targets: list[Target], args: argparse.Namespace
                         ) -> dict[str, dict[str, float]]:
    """Rounds alternate between the servers (A B C A B C …) so that a change in the machine's
    load during the run affects them alike; each result is the median of its rounds."""
    rates: dict[str, dict[str, list[float]]] = {t.name: {g: [] for g in GRANTS}
                                                for t in targets}
    for round_no in range(args.rounds):
        for grant in GRANTS:
            for target in targets:
                rate, cpu = await closed_loop(target, args.concurrency, args.seconds,
                                              grant_loop(target, grant))
                rates[target.name][grant].append(rate)
                print(f"  round {round_no + 1}  {target.name:22} {grant:20} {rate:8.0f}/s  "
                      f"(load generator {cpu:.0f}% of a core)", flush=True)
    return {name: {g: statistics.median(v) for g, v in by.items()}
            for name, by in rates.items()}


async def measure_reads(target: Target, args: argparse.Namespace) -> dict[str, float]:
    results: dict[str, float] = {}
    loops = [("introspection (person's JWT)", introspection(target, target.access_token)),
             ("introspection (client JWT)", introspection(target, target.machine_token)),
             ("userinfo", userinfo(target))]
    for name, make in loops:
        rate, cpu = await closed_loop(target, args.concurrency, args.seconds, make)
        results[name] = rate
        print(f"  {target.name:22} {name:30} {rate:8.0f}/s   (load generator {cpu:.0f}% "
              "of a core)", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0))}, concurrency {args.concurrency}, "
          f"{args.seconds:.0f} s per measure, {args.rounds} rounds, monban serve with "
          f"{args.workers} worker(s); load average at start {os.getloadavg()[0]:.1f}")
    root = Path(tempfile.mkdtemp(prefix="monban-oidc-bench-"))
    processes: list[subprocess.Popen[bytes]] = []
    postgres = os.environ.get("MONBAN_TEST_POSTGRES_URL", "")
    use_postgres = bool(postgres) and not args.no_postgres
    schema = "bench_" + uuid.uuid4().hex[:8]
    try:
        databases = [("SQLite", "")]
        if use_postgres:
            from sqlalchemy import create_engine, text

            engine = create_engine(postgres.replace("postgresql://", "postgresql+psycopg://"))
            with engine.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            databases.append(("PostgreSQL", f"{postgres}?options=-csearch_path%3D{schema}"))
        targets: list[Target] = []
        for label, url in databases:
            target, process = monban_target(root, label, url, args.concurrency, args.workers)
            processes.append(process)
            targets.append(target)
        started = start_oidc_provider(args.concurrency)
        if started is not None:
            processes.append(started[1])
            targets.append(started[0])
        grants = asyncio.run(measure_grants(targets, args))
        reads = {t.name: asyncio.run(measure_reads(t, args)) for t in targets
                 if t.name != "oidc-provider"}
        report(grants, reads)
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        if use_postgres:
            from sqlalchemy import create_engine, text

            engine = create_engine(postgres.replace("postgresql://", "postgresql+psycopg://"))
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        shutil.rmtree(root, ignore_errors=True)


def report(grants: dict[str, dict[str, float]], reads: dict[str, dict[str, float]]) -> None:
    print("\nsummary (grants: medians of the rounds)")
    reference = grants.get("oidc-provider")
    if reference:
        print(f"  {'oidc-provider':22} refresh_token {reference['refresh_token']:7.0f}/s, "
              f"client_credentials {reference['client_credentials']:7.0f}/s")
    for name, results in grants.items():
        if name == "oidc-provider":
            continue
        for grant in GRANTS:
            rate = results[grant]
            line = f"  {name:22} {grant:20} {rate:7.0f}/s  goal >= {GOALS['grants']:.0f}: " \
                   f"{'met' if rate >= GOALS['grants'] else 'NOT met'}"
            if reference:
                ratio = rate / reference[grant]
                line += (f"; ratio to oidc-provider {ratio:.2f} (goal >= 1.0: "
                         f"{'met' if ratio >= GOALS['ratio'] else 'NOT met'})")
            print(line)
        for kind in ("introspection (person's JWT)", "introspection (client JWT)"):
            rate = reads[name][kind]
            print(f"  {name:22} {kind:30} {rate:7.0f}/s  goal >= "
                  f"{GOALS['introspection']:.0f}: "
                  f"{'met' if rate >= GOALS['introspection'] else 'NOT met'}")
        print(f"  {name:22} userinfo {reads[name]['userinfo']:7.0f}/s")


if __name__ == "__main__":
    main()
