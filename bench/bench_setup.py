"""Benchmark fixtures and the measurements the benchmarks share.

Fixtures: a data dir with a no-limits org, many accounts (and their TOTP factors), and a
real `monban serve` subprocess with per-thread CPU accounting from /proc.

Measurements: the raw Argon2id ceiling, a closed loop of sign-ins against a server, the two
together (ceiling before and after the loop, wall-clock and CPU-bound ratios), the
machine's CPU split per phase, and the report lines and noise note built from them."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_http import Connection
from sqlalchemy.dialects import sqlite as sqlite_dialect

from monban.config import Settings
from monban.db.tables import accounts

SIGNIN_PATH = "/api/v1/signin/flows"
ORG_SLUG = "bench"
PASSWORD = "bench-password-0123"
EMAIL_DOMAIN = "bench.example"
TICK = os.sysconf("SC_CLK_TCK")


class SignInFailed(Exception):
    pass


def count_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


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
        if column.default is None and column.server_default is not None:
            continue  # left out: the database fills in its default
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


def account_ids(data_dir: Path, start: int, stop: int) -> list[str]:
    """The ids of accounts start..stop-1 (email_for(i)), in that order."""
    with sqlite3.connect(db_path(data_dir)) as conn:
        found = dict(conn.execute(
            "SELECT email, id FROM accounts WHERE email >= ? AND email <= ?",
            (email_for(start), email_for(stop - 1))).fetchall())
    return [found[email_for(i)] for i in range(start, stop)]


@dataclass(frozen=True)
class TotpSeed:
    account_id: str
    factor_id: str
    secret: str
    """The base32 seed, in clear: what the authenticator app holds."""


def insert_totp_factors(data_dir: Path, ids: Sequence[str], name: str) -> list[TotpSeed]:
    """One confirmed TOTP factor per account, written as the server's own confirm step
    writes it (factors/totp.py `_confirm`): a fresh pyotp seed sealed with the data dir's
    secret key and the account id as context (monban's own Sealer), data {"offset": 0},
    inserted by monban's `store.factors.insert` in one transaction. What confirming through
    the API does besides (spend the confirming code's step, a `factor.added` audit event)
    plays no part in signing in, so it is left out."""
    import pyotp

    from monban.crypto.sealing import Sealer
    from monban.db.database import Database
    from monban.factors.base import FactorRecord
    from monban.store import factors as factor_store
    from monban.store.ids import new_id

    settings = Settings(data_dir=data_dir, database_url="")  # as server_env(): SQLite here
    sealer = Sealer(settings.resolved_secret_key())
    now = datetime.now(UTC)
    seeds = [TotpSeed(account_id, new_id(), pyotp.random_base32()) for account_id in ids]
    records = [FactorRecord(
        id=seed.factor_id, account_id=seed.account_id, kind="totp", name=name, target=None,
        secret=sealer.seal(seed.secret, seed.account_id), credential_id=None,
        data={"offset": 0}, preferred=False, created_at=now, last_used_at=None)
        for seed in seeds]

    def insert_all(conn: Any) -> None:
        for record in records:
            factor_store.insert(conn, record)

    database = Database(settings.sqlalchemy_url())
    try:
        database.transaction(insert_all)
    finally:
        database.dispose()
    return seeds


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


def run_in_workdir(run: Callable[[Path], Coroutine[Any, Any, int]], keep: bool) -> int:
    """asyncio.run(run(workdir)) on a new temporary directory, removed afterwards unless
    `keep`. A failed sign-in ends the run with its message and exit status 1."""
    workdir = Path(tempfile.mkdtemp(prefix="monban-bench-"))
    try:
        return asyncio.run(run(workdir))
    except SignInFailed as error:
        print(f"sign-in failed: {error}", file=sys.stderr)
        return 1
    finally:
        if keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# Measurements ----------------------------------------------------------------------------
NOISY = 0.05
"""Other processes' (or the hypervisor's) share of the machine above which a phase's numbers
are flagged."""


def cores() -> int:
    return len(os.sched_getaffinity(0))


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"


def say(text: str) -> None:
    print(text, flush=True)


def describe_machine(settings: Settings) -> str:
    return (f"{cores()} cores, Python {sys.version.split()[0]}, Argon2id "
            f"m={settings.argon2_memory_kib} KiB t={settings.argon2_time_cost} "
            f"p={settings.argon2_parallelism}, server hash workers "
            f"{settings.hash_workers or os.cpu_count()}")


class Meter:
    """The machine's CPU over one phase: this benchmark's processes versus the rest."""

    def __init__(self, servers: Sequence[Server]) -> None:
        self.servers = servers
        self.worst_others = 0.0
        self.worst_steal = 0.0

    def _own(self) -> float:
        return time.process_time() + sum(server.total_cpu() for server in self.servers)

    def start(self) -> tuple[SystemCpu, float]:
        return SystemCpu.now(), self._own()

    def stop(self, started: tuple[SystemCpu, float]) -> MachineShare:
        share = MachineShare.between(started[0], SystemCpu.now(), self._own() - started[1])
        self.worst_others = max(self.worst_others, share.others)
        self.worst_steal = max(self.worst_steal, share.steal)
        return share

    @property
    def noisy(self) -> bool:
        """Did other processes or the hypervisor take more than NOISY in any phase?"""
        return self.worst_others > NOISY or self.worst_steal > NOISY

    def noise_note(self) -> str | None:
        """The summary's last line when any phase had more than NOISY taken from it."""
        if not self.noisy:
            return None
        return (f"NOTE: noisy machine: other processes took up to "
                f"{100 * self.worst_others:.0f}% and the hypervisor up to "
                f"{100 * self.worst_steal:.0f}% of the CPU in a phase; rerun on a quiet "
                f"machine for clean numbers")


# The Argon2id ceiling ----------------------------------------------------------------------
@dataclass(frozen=True)
class Argon2Result:
    rate: float
    """Verifies/s, all threads together."""
    cpu_per_verify: float
    """CPU seconds per verify (thread time): the part of a sign-in that is password work."""


def argon2_rate(settings: Settings, threads: int, seconds: float) -> Argon2Result:
    """Raw argon2-cffi verifies of PASSWORD with the server's parameters, one thread per
    core (the binding releases the GIL)."""
    from argon2 import PasswordHasher, Type

    hasher = PasswordHasher(time_cost=settings.argon2_time_cost,
                            memory_cost=settings.argon2_memory_kib,
                            parallelism=settings.argon2_parallelism, hash_len=32, salt_len=16,
                            type=Type.ID)
    stored = hasher.hash(PASSWORD)
    hasher.verify(stored, PASSWORD)
    rates: list[float] = []
    cpu: list[tuple[float, int]] = []
    barrier = threading.Barrier(threads)

    def run() -> None:
        barrier.wait()
        start, cpu0 = time.perf_counter(), time.thread_time()
        deadline = start + seconds
        count = 0
        while time.perf_counter() < deadline:
            hasher.verify(stored, PASSWORD)
            count += 1
        rates.append(count / (time.perf_counter() - start))
        cpu.append((time.thread_time() - cpu0, count))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return Argon2Result(sum(rates), sum(c for c, _ in cpu) / max(sum(n for _, n in cpu), 1))


# A closed loop of sign-ins -----------------------------------------------------------------
@dataclass
class CpuWindow:
    wall: float
    client_cpu: float
    server_threads: dict[int, float] = field(default_factory=dict)


def server_cpu_delta(before: dict[int, ThreadCpu], after: dict[int, ThreadCpu]
                     ) -> dict[int, float]:
    return {tid: cpu.seconds - (before[tid].seconds if tid in before else 0.0)
            for tid, cpu in after.items()}


@dataclass
class ClosedResult:
    rate: float
    completed: int
    cpu: CpuWindow
    machine: MachineShare


SignInOnce = Callable[[Connection], Awaitable[None]]
"""One complete sign-in on a keep-alive connection; raises if it does not succeed."""


async def closed_loop(server: Server, sign_in_once: SignInOnce, concurrency: int,
                      warmup_seconds: float, seconds: float, meter: Meter) -> ClosedResult:
    """`concurrency` workers, each on its own connection, each starting the next sign-in as
    soon as its last one is done. Counts the sign-ins completed in the measured window."""
    conns = [await Connection.open(server.host, server.port) for _ in range(concurrency)]
    done: list[float] = []
    stopping = False

    async def worker(conn: Connection) -> None:
        while not stopping:
            await sign_in_once(conn)
            done.append(time.perf_counter())

    tasks = [asyncio.create_task(worker(conn)) for conn in conns]
    try:
        await asyncio.sleep(warmup_seconds)
        metered = meter.start()
        cpu0, srv0, t0 = time.process_time(), server.thread_cpu(), time.perf_counter()
        await asyncio.sleep(seconds)
        t1, cpu1, srv1 = time.perf_counter(), time.process_time(), server.thread_cpu()
        machine = meter.stop(metered)
        stopping = True
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        for conn in conns:
            await conn.close()
    completed = sum(1 for t in done if t0 <= t < t1)
    return ClosedResult(rate=completed / (t1 - t0), completed=completed,
                        cpu=CpuWindow(t1 - t0, cpu1 - cpu0, server_cpu_delta(srv0, srv1)),
                        machine=machine)


def describe_server_cpu(server: Server, window: CpuWindow, signins: int) -> list[str]:
    threads = window.server_threads
    per = max(signins, 1)
    total = sum(threads.values())
    lines = [f"  server CPU: {100 * total / window.wall:.0f}% of one core, "
             f"{1000 * total / per:.1f} ms per sign-in; by thread (ms per sign-in):"]
    main = threads.get(server.pid, 0.0)
    lines.append(f"    main thread (event loop, HTTP, FastAPI): {1000 * main / per:.2f}")
    for tid, cpu in busy_threads(server, window):
        lines.append(f"    thread {tid}: {1000 * cpu / per:.2f}")
    lines.append("    (threads start in order of first use: the database thread first, then "
                 "the Argon2 pool)")
    return lines


def busy_threads(server: Server, window: CpuWindow) -> list[tuple[int, float]]:
    """The server's threads other than the main one that used CPU, in order of creation."""
    return sorted(((tid, cpu) for tid, cpu in window.server_threads.items()
                   if tid != server.pid and cpu > 0.005), key=lambda item: item[0])


def thread_split(server: Server, window: CpuWindow, signins: int) -> str:
    """describe_server_cpu on one line, for a summary."""
    per = 1000 / max(signins, 1)
    main = window.server_threads.get(server.pid, 0.0)
    others = " + ".join(f"{cpu * per:.2f}" for _, cpu in busy_threads(server, window))
    return (f"server CPU per sign-in by thread: main {main * per:.2f} + {others} ms "
            f"(the others in order of creation: database thread, Argon2 pool)")


# The closed loop against the ceiling ---------------------------------------------------------
@dataclass(frozen=True)
class VersusCeiling:
    """A closed loop of sign-ins with the raw Argon2id ceiling measured just before and just
    after it, on the same cores."""

    before: Argon2Result
    closed: ClosedResult
    after: Argon2Result

    @property
    def argon2(self) -> float:
        """Mean verifies/s of the two halves."""
        return (self.before.rate + self.after.rate) / 2

    @property
    def ratio(self) -> float:
        """Wall clock: sign-ins/s divided by raw verifies/s."""
        return self.closed.rate / self.argon2

    @property
    def verify_cpu(self) -> float:
        return (self.before.cpu_per_verify + self.after.cpu_per_verify) / 2

    @property
    def per_signin(self) -> float:
        """CPU seconds per sign-in, server and load generator together."""
        cpu = self.closed.cpu
        return (sum(cpu.server_threads.values()) + cpu.client_cpu) / max(self.closed.completed,
                                                                         1)

    @property
    def cpu_ratio(self) -> float:
        """Raw verify CPU / CPU per sign-in: the ratio once the server alone saturates the
        cores, which other load on the machine hardly moves."""
        return self.verify_cpu / self.per_signin

    @property
    def client_pct(self) -> float:
        return 100 * self.closed.cpu.client_cpu / self.closed.cpu.wall


async def versus_ceiling(server: Server, meter: Meter, settings: Settings, threads: int,
                         argon2_seconds: float, loop_title: str,
                         loop: Callable[[], Awaitable[ClosedResult]],
                         extra: Callable[[], list[str]] | None = None) -> VersusCeiling:
    """[1] the ceiling's first half, [2] the closed loop, [1] its second half, printed as
    they go. Measuring the ceiling in two halves around the loop makes a change in the
    machine's speed (a noisy neighbour on a shared host) weigh on both alike. `extra` adds
    lines to [2]'s report."""
    half = argon2_seconds / 2
    say(f"\n[1] raw Argon2id verify, {threads} threads, {half:.1f} s before and "
        f"{half:.1f} s after [2] ...")
    metered = meter.start()
    first = argon2_rate(settings, threads, half)
    say(f"  before: {first.rate:.1f} verifies/s, {ms(first.cpu_per_verify)} CPU per "
        f"verify; {meter.stop(metered)}")

    say(f"\n[2] {loop_title} ...")
    closed = await loop()
    say(f"  {closed.rate:.1f} sign-ins/s ({closed.completed} in {closed.cpu.wall:.1f} s)")
    say(f"  load generator CPU: {100 * closed.cpu.client_cpu / closed.cpu.wall:.1f}% of one "
        f"core, {1e6 * closed.cpu.client_cpu / max(closed.completed, 1):.0f} us per sign-in")
    for line in [*(extra() if extra else []),
                 *describe_server_cpu(server, closed.cpu, closed.completed)]:
        say(line)
    say(f"  {closed.machine}")

    metered = meter.start()
    second = argon2_rate(settings, threads, half)
    say(f"\n[1] after: {second.rate:.1f} verifies/s, {ms(second.cpu_per_verify)} CPU per "
        f"verify; {meter.stop(metered)}")
    result = VersusCeiling(first, closed, second)
    say(f"  mean {result.argon2:.1f} verifies/s; sign-ins/s ratio to it: {result.ratio:.2f}")
    say(f"  CPU per sign-in (server + load generator) {ms(result.per_signin)} vs "
        f"{ms(result.verify_cpu)} per raw verify: {ms(result.per_signin - result.verify_cpu)}"
        f" of it is not password hashing; CPU-bound ratio {result.cpu_ratio:.2f}")
    return result


def headline(result: VersusCeiling, threads: int, what: str, goal: float, noisy: bool
             ) -> list[str]:
    """The summary's lines for the ceiling, the sign-ins and the two ratios. On a noisy
    machine the wall-clock ratio gives no verdict (other processes take the raw verify
    threads' cores as readily as the server's); the CPU-bound ratio still does."""

    def verdict(ratio: float) -> str:
        return "" if ratio >= goal else "  BELOW GOAL"

    wall = ("  unreliable: noisy machine, see the CPU-bound ratio" if noisy
            else verdict(result.ratio))
    return [
        f"argon2 verifies/s ({threads} threads): {result.argon2:.1f}   "
        f"(before/after [2]: {result.before.rate:.1f}/{result.after.rate:.1f})",
        f"{what}: {result.closed.rate:.1f}   ratio {result.ratio:.2f} (goal >= {goal:.2f})"
        f"{wall}",
        f"CPU-bound ratio (raw verify CPU / CPU per sign-in): {result.cpu_ratio:.2f}"
        f"{verdict(result.cpu_ratio)}   non-hashing CPU per sign-in: "
        f"{ms(result.per_signin - result.verify_cpu)}"]
