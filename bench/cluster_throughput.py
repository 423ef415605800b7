"""Password sign-ins/s with 1, 2 and 3 `monban serve` nodes on PostgreSQL + Redis, against
the raw Argon2id ceiling of the same machine, and the memory of a node with 100k live
sessions.

    python bench/cluster_throughput.py [--quick]

Needs PostgreSQL and Redis (MONBAN_BENCH_POSTGRES_URL, default
postgresql://postgres@127.0.0.1:5432/test, used through a schema of its own that is dropped
at the end; MONBAN_BENCH_REDIS_URL, default redis://127.0.0.1:6379/0, under a key prefix of
its own). In one run:
  1. raw Argon2id verifies/s, one thread per core, before and after (2), averaged;
  2. for 1, 2 and 3 nodes: a closed loop of sign-ins (12 in flight, spread evenly over the
     nodes), its ratio to (1), and the CPU per sign-in of all nodes together, of PostgreSQL
     and Redis, and of the load generator. On a 2-core machine expect flat scaling: the
     nodes share the same two cores, so more nodes add no hashing capacity;
  3. for 1, 2 and 3 nodes: OAuth client_credentials grants/s at POST /oauth/token (a
     registered confidential client, 32 in flight spread over the nodes) and the nodes' CPU
     per grant;
  4. RSS per node with 100k live sessions in the database, after each node has
     authenticated 1,000 of them (goal <= 150 MB; nodes keep no per-session state).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from bench_http import Connection
from bench_setup import (
    SIGNIN_PATH,
    Server,
    SignInFailed,
    argon2_rate,
    cores,
    describe_machine,
    ms,
    run_in_workdir,
    say,
)
from sqlalchemy import select, text

from monban.config import Settings
from monban.db.database import Database
from monban.db.tables import accounts, sessions
from monban.runtime import build_runtime
from monban.store.ids import new_id, new_token, token_digest

GOAL = 0.90
PASSWORD = "quiet harbour lantern 0123"
RSS_GOAL_MB = 150
ACCOUNTS = 10_000
LIVE_SESSIONS = 100_000
SECRET = "cluster-bench-secret-key-0123456789abcdef0123"
GRANT_CONCURRENCY = 32


def email_for(i: int) -> str:
    return f"c{i:07d}@nodes.example"


@dataclass(frozen=True)
class Shared:
    database_url: str
    redis_url: str
    prefix: str


class Node(Server):
    """A monban serve on the shared PostgreSQL + Redis (bench_setup.Server is SQLite-only)."""

    def __init__(self, data_dir: Path, shared: Shared) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(data_dir)
        self.shared = shared

    def launch(self) -> None:
        import subprocess

        env = dict(os.environ, MONBAN_DATA_DIR=str(self.data_dir),
                   MONBAN_DATABASE_URL=self.shared.database_url,
                   MONBAN_REDIS_URL=self.shared.redis_url,
                   MONBAN_REDIS_KEY_PREFIX=self.shared.prefix, MONBAN_SECRET_KEY=SECRET)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "monban", "serve", "--port", str(self.port)],
                env=env, cwd=self.data_dir, stdout=log, stderr=subprocess.STDOUT)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def cpu_of(names: tuple[str, ...]) -> float:
    """CPU seconds of every process whose command name starts with one of `names`."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        if comm.startswith(names):
            fields = stat[stat.rindex(")") + 2:].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# Set-up ----------------------------------------------------------------------------------
async def seed(shared: Shared, workdir: Path) -> list[str]:
    """Schema, a no-limits org, ACCOUNTS accounts sharing one real hash. Their ids."""
    settings = Settings(data_dir=workdir / "seed", database_url=shared.database_url,
                        secret_key=SECRET)
    runtime = build_runtime(settings)
    try:
        org = await runtime.directory.create_org("Bench", "bench")
        await runtime.directory.update_settings(
            org, {"daily_signin_limit": 0, "session_limit": 0})
        account = await runtime.directory.create_account(
            display_name="Bench User", email=email_for(0), password=PASSWORD, org=org,
            language="en")
        first_id = account.id

        def copy(conn: Any) -> list[str]:
            row = dict(conn.execute(select(accounts).where(accounts.c.id == first_id))
                       .one()._mapping)
            ids = [first_id]
            batch = []
            for i in range(1, ACCOUNTS):
                ids.append(new_id())
                batch.append({**row, "id": ids[-1], "email": email_for(i)})
            conn.execute(accounts.insert(), batch)
            return ids

        return await runtime.db.run(copy)
    finally:
        runtime.close()


def live_sessions(db: Database, account_ids: Sequence[str], count: int) -> list[str]:
    """`count` live browser sessions spread over the accounts; their bearer tokens."""
    now = datetime.now(UTC)
    tokens = [new_token() for _ in range(count)]

    def insert(conn: Any) -> None:
        for low in range(0, count, 10_000):
            conn.execute(sessions.insert(), [
                {"id": token_digest(token), "account_id": random.choice(account_ids),
                 "kind": "browser", "persistent": False, "created_at": now,
                 "last_seen_at": now, "expires_at": now + timedelta(hours=12),
                 "ended_at": None, "ip": "198.51.100.7", "user_agent": "bench",
                 "flow_id": None, "amr": "pwd"} for token in tokens[low:low + 10_000]])

    db.transaction(insert)
    return tokens


async def register_client(shared: Shared, workdir: Path) -> str:
    """A confidential OAuth client on the shared database; its Basic authorization value."""
    from monban.oidc import registration
    from monban.oidc.clients import Client

    settings = Settings(data_dir=workdir / "seed", database_url=shared.database_url,
                        secret_key=SECRET)
    runtime = build_runtime(settings)
    try:
        client, secret = await registration.create(runtime.oidc, Client(
            id="", name="Bench", public=False, redirect_uris=("https://bench.example/cb",),
            skip_consent=True, grants=("client_credentials",), scopes=("openid",)))
        await runtime.oidc.ring()  # the signing key exists before the nodes need it
    finally:
        runtime.close()
    raw = f"{client.id}:{secret}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def grant_step(basic: str) -> Callable[[Connection], Awaitable[None]]:
    """One client_credentials grant at POST /oauth/token, for closed_loop."""
    body = b"grant_type=client_credentials"

    async def step(conn: Connection) -> None:
        raw = (f"POST /oauth/token HTTP/1.1\r\nHost: {conn.host}:{conn.port}\r\n"
               f"Authorization: {basic}\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        status, answer = await conn.request(raw)
        if status != 200:
            raise SignInFailed(f"token endpoint HTTP {status}: {answer[:200]!r}")

    return step


# Load ------------------------------------------------------------------------------------
async def sign_in(conn: Connection) -> None:
    status, body = await conn.post_json(
        SIGNIN_PATH, {"identifier": email_for(random.randrange(ACCOUNTS)),
                      "password": PASSWORD})
    if status != 200 or b'"token"' not in body:
        raise SignInFailed(f"HTTP {status}: {body[:400].decode(errors='replace')}")


@dataclass
class Round:
    nodes: int
    rate: float
    server_cpu: float
    """CPU seconds per sign-in, all nodes together"""
    store_cpu: float
    """CPU seconds per sign-in of PostgreSQL and Redis"""
    client_cpu: float
    argon2: float
    verify_cpu: float
    grants: float = 0.0
    """client_credentials grants/s with this many nodes"""
    grant_cpu: float = 0.0
    """the nodes' CPU seconds per grant"""

    @property
    def ratio(self) -> float:
        return self.rate / self.argon2

    @property
    def cpu_ratio(self) -> float:
        """Raw verify CPU / all CPU a sign-in costs (nodes, stores, load generator): the
        throughput ratio once the cores are saturated, much less moved by other load."""
        return self.verify_cpu / (self.server_cpu + self.store_cpu + self.client_cpu)


async def closed_loop(nodes: Sequence[Node], concurrency: int, warmup: float, seconds: float,
                      step: Callable[[Connection], Awaitable[None]] | None = None
                      ) -> tuple[int, float, float, float, float]:
    """`concurrency` connections spread over the nodes, each running `step` (a sign-in by
    default) back to back. (completed, wall, nodes' CPU, PostgreSQL+Redis CPU, client CPU)
    over the measured window."""
    one = step or sign_in
    conns = [await Connection.open(n.host, n.port)
             for n in (nodes[i % len(nodes)] for i in range(concurrency))]
    done: list[float] = []
    stopping = False

    async def worker(conn: Connection) -> None:
        while not stopping:
            await one(conn)
            done.append(time.perf_counter())

    tasks = [asyncio.create_task(worker(c)) for c in conns]
    try:
        await asyncio.sleep(warmup)
        srv0, st0 = sum(n.total_cpu() for n in nodes), cpu_of(("postgres", "redis-server"))
        cpu0, t0 = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        t1, cpu1 = time.perf_counter(), time.process_time()
        srv1, st1 = sum(n.total_cpu() for n in nodes), cpu_of(("postgres", "redis-server"))
        stopping = True
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        for conn in conns:
            await conn.close()
    completed = sum(1 for t in done if t0 <= t < t1)
    return completed, t1 - t0, srv1 - srv0, st1 - st0, cpu1 - cpu0


async def authenticate(node: Node, tokens: Sequence[str]) -> None:
    conn = await Connection.open(node.host, node.port)
    try:
        for token in tokens:
            status, body = await conn.request(
                f"GET /api/v1/me HTTP/1.1\r\nHost: {node.host}\r\n"
                f"Authorization: Bearer {token}\r\n\r\n".encode())
            if status != 200:
                raise SignInFailed(f"session lookup HTTP {status}: {body[:200]!r}")
    finally:
        await conn.close()


# Main ------------------------------------------------------------------------------------
async def run(args: argparse.Namespace, workdir: Path) -> int:
    base = os.environ.get("MONBAN_BENCH_POSTGRES_URL",
                          "postgresql://postgres@127.0.0.1:5432/test")
    redis_url = os.environ.get("MONBAN_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    schema = "bench_" + uuid.uuid4().hex[:10]
    admin = Database(base.replace("postgresql://", "postgresql+psycopg://", 1))
    admin.transaction(lambda c: c.execute(text(f"CREATE SCHEMA {schema}")))
    sep = "&" if "?" in base else "?"
    shared = Shared(f"{base}{sep}options=-csearch_path%3D{schema}", redis_url,
                    f"bench:{uuid.uuid4().hex}:")
    settings = Settings()
    n_cores = cores()
    argon2_s, warmup, window = (1.5, 1.0, 4.0) if args.quick else (4.0, 3.0, 10.0)
    sessions_wanted = 20_000 if args.quick else LIVE_SESSIONS
    say(f"monban cluster benchmark: {describe_machine(settings)}")
    say(f"PostgreSQL schema {schema}, Redis prefix {shared.prefix}")
    nodes: list[Node] = []
    rounds: list[Round] = []
    try:
        started = time.perf_counter()
        ids = await seed(shared, workdir)
        basic = await register_client(shared, workdir)
        say(f"  {ACCOUNTS:,} accounts in {time.perf_counter() - started:.1f} s")
        for n in range(1, 4):
            while len(nodes) < n:
                node = Node(workdir / f"node{len(nodes)}", shared)
                await node.start()
                nodes.append(node)
            before = argon2_rate(settings, n_cores, argon2_s)
            completed, wall, srv, store, client = await closed_loop(
                nodes, args.concurrency, warmup, window)
            after = argon2_rate(settings, n_cores, argon2_s)
            per = max(completed, 1)
            result = Round(n, completed / wall, srv / per, store / per, client / per,
                           (before.rate + after.rate) / 2,
                           (before.cpu_per_verify + after.cpu_per_verify) / 2)
            granted, wall, grant_cpu, _, _ = await closed_loop(
                nodes, GRANT_CONCURRENCY, warmup, window, grant_step(basic))
            result.grants, result.grant_cpu = granted / wall, grant_cpu / max(granted, 1)
            rounds.append(result)
            say(f"\n[{n} node{'s' if n > 1 else ''}] {result.rate:.1f} sign-ins/s, argon2 "
                f"{result.argon2:.1f}/s, ratio {result.ratio:.2f}; CPU per sign-in: nodes "
                f"{ms(result.server_cpu)}, PostgreSQL+Redis {ms(result.store_cpu)}, load "
                f"generator {ms(result.client_cpu)} (raw verify {ms(result.verify_cpu)}); "
                f"{result.grants:,.0f} client_credentials grants/s, nodes' CPU "
                f"{ms(result.grant_cpu)} per grant")

        before_rss = [node.rss_mb() for node in nodes]
        say(f"\n[4] RSS with {sessions_wanted:,} live sessions (after the sign-ins above: "
            + ", ".join(f"node{i} {mb:.0f} MB" for i, mb in enumerate(before_rss)) + ") ...")
        db = Database(Settings(database_url=shared.database_url).sqlalchemy_url())
        try:
            tokens = live_sessions(db, ids, sessions_wanted)
        finally:
            db.dispose()
        for node in nodes:
            await authenticate(node, random.sample(tokens, 1000))
        rss = [node.rss_mb() for node in nodes]
        say("  " + ", ".join(f"node{i} {mb:.0f} MB" for i, mb in enumerate(rss)))
    finally:
        for node in nodes:
            node.stop()
        admin.transaction(lambda c: c.execute(text(f"DROP SCHEMA {schema} CASCADE")))
        admin.dispose()
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{shared.prefix}*", count=1000):
            client.delete(key)

    say("\n" + "=" * 76)
    say("nodes  sign-ins/s  argon2/s  ratio  CPU/sign-in: nodes  PG+Redis  client  "
        "(raw verify)  CPU-bound ratio")
    for r in rounds:
        say(f"{r.nodes:>5}  {r.rate:>10.1f}  {r.argon2:>8.1f}  {r.ratio:>5.2f}  "
            f"{ms(r.server_cpu):>18}  {ms(r.store_cpu):>8}  {ms(r.client_cpu):>6}  "
            f"({ms(r.verify_cpu)})  {r.cpu_ratio:.2f}")
    best = max(r.ratio for r in rounds)
    say(f"best ratio {best:.2f} (goal >= {GOAL:.2f}){'' if best >= GOAL else '  BELOW GOAL'}"
        f"; {n_cores} cores: flat scaling is expected")
    say("token grants/s (client_credentials): " + ", ".join(
        f"{r.nodes} node{'s' if r.nodes > 1 else ''} {r.grants:,.0f}/s "
        f"({ms(r.grant_cpu)} CPU each)" for r in rounds))
    worst = max(rss)
    say(f"RSS per node: max {max(before_rss):.0f} MB before the sessions, with "
        f"{sessions_wanted:,} live sessions max {worst:.0f} MB "
        f"(goal <= {RSS_GOAL_MB} MB){'' if worst <= RSS_GOAL_MB else '  ABOVE GOAL'}")
    say("=" * 76)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short phases (smoke run)")
    parser.add_argument("--concurrency", type=int, default=12,
                        help="sign-ins in flight in the closed loop (default 12)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir and logs")
    args = parser.parse_args(argv)
    return run_in_workdir(lambda workdir: run(args, workdir), args.keep)


if __name__ == "__main__":
    sys.exit(main())
