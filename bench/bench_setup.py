"""Benchmark fixtures: a data dir with a no-limits org and many accounts, and a real
`monban serve` subprocess with per-thread CPU accounting from /proc."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_http import Connection
from sqlalchemy.dialects import sqlite as sqlite_dialect

from monban.db.tables import accounts

ORG_SLUG = "bench"
PASSWORD = "bench-password-0123"
EMAIL_DOMAIN = "bench.example"
TICK = os.sysconf("SC_CLK_TCK")


def email_for(i: int) -> str:
    return f"b{i:07d}@{EMAIL_DOMAIN}"


def server_env(data_dir: Path, port: int | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["MONBAN_DATA_DIR"] = str(data_dir)
    if port is not None:
        env["MONBAN_PORT"] = str(port)
    env.pop("MONBAN_DATABASE_URL", None)  # always SQLite in the data dir
    return env


def monban_cli(data_dir: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "monban", *args], env=server_env(data_dir),
                          cwd=data_dir, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"monban {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def prepare_data_dir(data_dir: Path) -> str:
    """Schema, plus an org without the daily sign-in limit or a session limit. Its id."""
    data_dir.mkdir(parents=True, exist_ok=True)
    monban_cli(data_dir, "migrate")
    monban_cli(data_dir, "org", "create", "Bench", "--slug", ORG_SLUG)
    monban_cli(data_dir, "org", "set", ORG_SLUG, "daily_signin_limit=0", "session_limit=0")
    with sqlite3.connect(db_path(data_dir)) as conn:
        row = conn.execute("SELECT id FROM orgs WHERE slug = ?", (ORG_SLUG,)).fetchone()
    return str(row[0])


def db_path(data_dir: Path) -> Path:
    return data_dir / "monban.sqlite3"


def _stored(column: str, value: Any) -> Any:
    """A Python value as SQLAlchemy would bind it on SQLite (e.g. UTCDateTime's naive UTC
    text), so rows written here read back exactly like the server's own."""
    processor = accounts.c[column].type.bind_processor(sqlite_dialect.dialect())
    return processor(value) if processor else value


def insert_accounts(data_dir: Path, org_id: str, start: int, stop: int, password_hash: str,
                    progress: Callable[[int], None] | None = None) -> None:
    """Accounts start..stop-1 (email_for(i)) as members of the org, all with one hash."""
    now = datetime.now(UTC)
    fixed: dict[str, Any] = {
        "org_id": org_id, "role": "member", "phone": None, "username": None,
        "display_name": "Bench User", "language": "en", "timezone": "UTC",
        "password_hash": password_hash, "password_changed_at": now, "disabled": False,
        "is_superadmin": False, "created_at": now}
    for column in accounts.columns:
        if column.name in ("id", "email") or column.name in fixed:
            continue
        if not column.nullable and column.default is None:
            raise RuntimeError(f"bench does not know how to fill accounts.{column.name}")
        fixed[column.name] = column.default.arg if column.default is not None else None
    names = ["id", "email", *fixed]
    tail = tuple(_stored(name, value) for name, value in fixed.items())
    sql = (f"INSERT INTO accounts ({', '.join(names)}) "
           f"VALUES ({', '.join('?' for _ in names)})")
    conn = sqlite3.connect(db_path(data_dir), isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("BEGIN IMMEDIATE")
        batch = 100_000
        for low in range(start, stop, batch):
            high = min(stop, low + batch)
            ids = os.urandom(16 * (high - low)).hex()
            conn.executemany(sql, ((ids[32 * (i - low):32 * (i - low + 1)], email_for(i), *tail)
                                   for i in range(low, high)))
            if progress:
                progress(high)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ThreadCpu:
    tid: int
    name: str
    seconds: float


class Server:
    """`python -m monban serve --port N` on its own data dir; output goes to serve.log."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.host = "127.0.0.1"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "serve.log"

    def launch(self) -> None:
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "monban", "serve", "--port", str(self.port)],
                env=server_env(self.data_dir, self.port), cwd=self.data_dir,
                stdout=log, stderr=subprocess.STDOUT)

    async def start(self, within: float = 60.0) -> None:
        """Launch, then wait until /healthz answers 200."""
        self.launch()
        assert self.proc is not None
        deadline = time.monotonic() + within
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"monban serve exited:\n{self.log_path.read_text()}")
            try:
                conn = await Connection.open(self.host, self.port)
                try:
                    status, _ = await conn.get("/healthz")
                finally:
                    await conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"monban serve not ready:\n{self.log_path.read_text()}")
            await asyncio.sleep(0.1)

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def total_cpu(self) -> float:
        """CPU seconds (user+system) of the whole server process so far."""
        if self.proc is None or self.proc.poll() is not None:
            return 0.0
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return 0.0
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def thread_cpu(self) -> dict[int, ThreadCpu]:
        """CPU seconds (user+system) of every thread of the server process, by tid."""
        found: dict[int, ThreadCpu] = {}
        task_dir = Path(f"/proc/{self.pid}/task")
        for entry in task_dir.iterdir():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            seconds = (int(fields[11]) + int(fields[12])) / TICK
            found[int(entry.name)] = ThreadCpu(int(entry.name), name, seconds)
        return found


@dataclass(frozen=True)
class SystemCpu:
    """/proc/stat's aggregate line, in CPU seconds of all CPUs together."""

    busy: float
    idle: float
    steal: float

    @classmethod
    def now(cls) -> SystemCpu:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
        return cls(busy=(user + nice + system + irq + softirq) / TICK,
                   idle=(idle + iowait) / TICK, steal=steal / TICK)


@dataclass(frozen=True)
class MachineShare:
    """How the machine's CPU time was spent in an interval: by the benchmark (server and
    load generator), by other processes, idle, or stolen by the hypervisor. Other processes
    and steal make every rate here lower than on a quiet machine."""

    own: float
    others: float
    idle: float
    steal: float

    @classmethod
    def between(cls, before: SystemCpu, after: SystemCpu, own_seconds: float) -> MachineShare:
        busy, idle = after.busy - before.busy, after.idle - before.idle
        steal = after.steal - before.steal
        total = max(busy + idle + steal, 1e-9)
        own = min(own_seconds, busy)
        return cls(own=own / total, others=(busy - own) / total, idle=idle / total,
                   steal=steal / total)

    def __str__(self) -> str:
        return (f"machine: {100 * self.own:.0f}% this benchmark, {100 * self.others:.0f}% "
                f"other processes, {100 * self.idle:.0f}% idle, {100 * self.steal:.0f}% "
                f"stolen by the hypervisor")


def new_password_hash(memory_kib: int, time_cost: int, parallelism: int) -> str:
    """One real Argon2id hash of PASSWORD with the server's parameters."""
    from argon2 import PasswordHasher, Type

    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib,
                            parallelism=parallelism, hash_len=32, salt_len=16, type=Type.ID)
    return hasher.hash(PASSWORD)
