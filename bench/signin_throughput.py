"""Password sign-in throughput and latency of a real `monban serve`, against the Argon2id
ceiling of the same machine.

    python bench/signin_throughput.py [--quick]

In one run, on the cores this process may use:
  1. raw Argon2id verifies/s with the server's parameters, one thread per core (measured in
     two halves, before and after (2), and averaged);
  2. sign-ins/s through the HTTP JSON API (POST /api/v1/signin/flows with identifier and
     password), closed loop, and its ratio to (1) (goal >= 0.90); also the CPU-bound ratio
     (raw verify CPU / server+client CPU per sign-in), which other load on the machine
     hardly moves;
  3. sign-in latency p50/p99 at 50% of (2)'s rate, open loop with paced arrivals;
  4. sequential sign-in p50 with 10k and with 1M accounts in the database (goal: <= 1.1x).

The load generator is a raw-asyncio HTTP/1.1 keep-alive client (bench_http.py); its own CPU
time is measured and printed, since it shares the cores with the server. So is the share of
the machine other processes took during each phase: on a shared machine they lower every
rate here.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench_http import Connection
from bench_setup import (
    PASSWORD,
    MachineShare,
    Server,
    SystemCpu,
    ThreadCpu,
    email_for,
    insert_accounts,
    new_password_hash,
    prepare_data_dir,
)

from monban.config import Settings

SIGNIN_PATH = "/api/v1/signin/flows"
SMALL = 10_000
NOISY = 0.05
"""Other processes' share of the machine above which a phase's numbers are flagged."""


@dataclass(frozen=True)
class Plan:
    argon2_seconds: float
    warmup_seconds: float
    closed_seconds: float
    open_seconds: float
    sequential: int
    sequential_warmup: int
    large: int
    concurrency: int


def plan_for(args: argparse.Namespace) -> Plan:
    if args.quick:
        return Plan(argon2_seconds=2, warmup_seconds=1, closed_seconds=4, open_seconds=4,
                    sequential=80, sequential_warmup=10, large=100_000,
                    concurrency=args.concurrency)
    return Plan(argon2_seconds=5, warmup_seconds=3, closed_seconds=10, open_seconds=10,
                sequential=300, sequential_warmup=20, large=1_000_000,
                concurrency=args.concurrency)


def cores() -> int:
    return len(os.sched_getaffinity(0))


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f} ms"


def count_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"


def say(text: str) -> None:
    print(text, flush=True)


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


# 1. Argon2id ceiling ---------------------------------------------------------------------
@dataclass(frozen=True)
class Argon2Result:
    rate: float
    """Verifies/s, all threads together."""
    cpu_per_verify: float
    """CPU seconds per verify (thread time): the part of a sign-in that is password work."""


def argon2_rate(settings: Settings, threads: int, seconds: float) -> Argon2Result:
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


# Sign-in requests ------------------------------------------------------------------------
class SignInFailed(Exception):
    pass


async def sign_in(conn: Connection, account: int) -> None:
    status, body = await conn.post_json(
        SIGNIN_PATH, {"identifier": email_for(account), "password": PASSWORD})
    if status != 200 or b'"token"' not in body:
        raise SignInFailed(f"HTTP {status}: {body[:400].decode(errors='replace')}")


@dataclass
class CpuWindow:
    wall: float
    client_cpu: float
    server_threads: dict[int, float] = field(default_factory=dict)


def server_cpu_delta(before: dict[int, ThreadCpu], after: dict[int, ThreadCpu]
                     ) -> dict[int, float]:
    return {tid: cpu.seconds - (before[tid].seconds if tid in before else 0.0)
            for tid, cpu in after.items()}


# 2. Closed loop --------------------------------------------------------------------------
@dataclass
class ClosedResult:
    rate: float
    completed: int
    cpu: CpuWindow
    machine: MachineShare


async def closed_loop(server: Server, accounts: int, plan: Plan, meter: Meter
                      ) -> ClosedResult:
    conns = [await Connection.open(server.host, server.port) for _ in range(plan.concurrency)]
    done: list[float] = []
    stopping = False

    async def worker(conn: Connection) -> None:
        while not stopping:
            await sign_in(conn, random.randrange(accounts))
            done.append(time.perf_counter())

    tasks = [asyncio.create_task(worker(conn)) for conn in conns]
    try:
        await asyncio.sleep(plan.warmup_seconds)
        metered = meter.start()
        cpu0, srv0, t0 = time.process_time(), server.thread_cpu(), time.perf_counter()
        await asyncio.sleep(plan.closed_seconds)
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


# 3. Open loop ----------------------------------------------------------------------------
@dataclass
class OpenResult:
    achieved: float
    latencies: list[float]
    client_cpu: float
    wall: float
    extra_connections: int


async def open_loop(server: Server, accounts: int, rate: float, seconds: float) -> OpenResult:
    """Arrivals every 1/rate s whatever the server does; latency is counted from each
    request's scheduled time, so a stalled server cannot hide its queue."""
    idle = [await Connection.open(server.host, server.port) for _ in range(16)]
    opened = 0
    latencies: list[float] = []

    async def one(scheduled: float) -> None:
        nonlocal opened
        if idle:
            conn = idle.pop()
        else:
            conn = await Connection.open(server.host, server.port)
            opened += 1
        await sign_in(conn, random.randrange(accounts))
        latencies.append(time.perf_counter() - scheduled)
        idle.append(conn)

    total = int(rate * seconds)
    cpu0 = time.process_time()
    start = time.perf_counter() + 0.05
    tasks = []
    for k in range(total):
        scheduled = start + k / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    client_cpu = time.process_time() - cpu0
    for conn in idle:
        await conn.close()
    return OpenResult(achieved=len(latencies) / wall, latencies=latencies,
                      client_cpu=client_cpu, wall=wall, extra_connections=opened)


# 4. Sequential, two database sizes interleaved -------------------------------------------
async def sequential(targets: list[tuple[Server, int]], count: int, warmup: int
                     ) -> list[list[float]]:
    """One sign-in at a time, alternating between the servers (ABBA order) so drift in the
    machine's speed falls on every database size alike."""
    conns = [await Connection.open(server.host, server.port) for server, _ in targets]
    samples: list[list[float]] = [[] for _ in targets]
    try:
        for round_ in range(warmup + count):
            order = list(range(len(targets)))
            if round_ % 2:
                order.reverse()
            for index in order:
                accounts = targets[index][1]
                started = time.perf_counter()
                await sign_in(conns[index], random.randrange(accounts))
                if round_ >= warmup:
                    samples[index].append(time.perf_counter() - started)
    finally:
        for conn in conns:
            await conn.close()
    return samples


# Reporting -------------------------------------------------------------------------------
def describe_server_cpu(server: Server, window: CpuWindow, signins: int) -> list[str]:
    threads = window.server_threads
    per = max(signins, 1)
    total = sum(threads.values())
    lines = [f"  server CPU: {100 * total / window.wall:.0f}% of one core, "
             f"{1000 * total / per:.1f} ms per sign-in; by thread (ms per sign-in):"]
    main = threads.get(server.pid, 0.0)
    lines.append(f"    main thread (event loop, HTTP, FastAPI): {1000 * main / per:.2f}")
    others = sorted(((tid, cpu) for tid, cpu in threads.items()
                     if tid != server.pid and cpu > 0.005), key=lambda item: item[0])
    for tid, cpu in others:
        lines.append(f"    thread {tid}: {1000 * cpu / per:.2f}")
    lines.append("    (threads start in order of first use: the database thread first, then "
                 "the Argon2 pool)")
    return lines


# Main ------------------------------------------------------------------------------------
async def run(plan: Plan, workdir: Path) -> int:
    settings = Settings()
    n_cores = cores()
    say(f"monban sign-in benchmark: {n_cores} cores, Python {sys.version.split()[0]}, "
        f"Argon2id m={settings.argon2_memory_kib} KiB t={settings.argon2_time_cost} "
        f"p={settings.argon2_parallelism}, server hash workers "
        f"{settings.hash_workers or os.cpu_count()}")
    say(f"work dir: {workdir}")

    # Data dirs: small (10k accounts) for (2), (3), (4); large (1M) for (4).
    say("\nsetting up data dirs (monban migrate, org create, org set, bulk accounts) ...")
    password_hash = new_password_hash(settings.argon2_memory_kib, settings.argon2_time_cost,
                                      settings.argon2_parallelism)
    small_dir, large_dir = workdir / "small", workdir / "large"
    started = time.perf_counter()
    org_small = prepare_data_dir(small_dir)
    insert_accounts(small_dir, org_small, 0, SMALL, password_hash)
    org_large = prepare_data_dir(large_dir)
    insert_accounts(large_dir, org_large, 0, plan.large, password_hash)
    say(f"  {SMALL:,} + {plan.large:,} accounts in {time.perf_counter() - started:.1f} s")

    small = Server(small_dir)
    large = Server(large_dir)
    meter = Meter([small, large])
    try:
        await small.start()
        say(f"  monban serve (pid {small.pid}) on port {small.port}, {SMALL:,} accounts")

        # 1, in two halves around (2), so that a change in the machine's speed (a noisy
        # neighbour on a shared host) weighs on the ceiling as on the sign-ins.
        half = plan.argon2_seconds / 2
        say(f"\n[1] raw Argon2id verify, {n_cores} threads, {half:.1f} s before and "
            f"{half:.1f} s after [2] ...")
        metered = meter.start()
        first = argon2_rate(settings, n_cores, half)
        say(f"  before: {first.rate:.1f} verifies/s, {ms(first.cpu_per_verify)} CPU per "
            f"verify; {meter.stop(metered)}")

        # 2
        say(f"\n[2] closed loop, {plan.concurrency} in flight, {plan.warmup_seconds:.0f} s "
            f"warm-up + {plan.closed_seconds:.0f} s ...")
        closed = await closed_loop(small, SMALL, plan, meter)
        client_pct = 100 * closed.cpu.client_cpu / closed.cpu.wall
        say(f"  {closed.rate:.1f} sign-ins/s ({closed.completed} in {closed.cpu.wall:.1f} s)")
        say(f"  load generator CPU: {client_pct:.1f}% of one core, "
            f"{1e6 * closed.cpu.client_cpu / max(closed.completed, 1):.0f} us per sign-in")
        for line in describe_server_cpu(small, closed.cpu, closed.completed):
            say(line)
        say(f"  {closed.machine}")

        metered = meter.start()
        second = argon2_rate(settings, n_cores, half)
        say(f"\n[1] after: {second.rate:.1f} verifies/s, {ms(second.cpu_per_verify)} CPU per "
            f"verify; {meter.stop(metered)}")
        argon2 = (first.rate + second.rate) / 2
        ratio = closed.rate / argon2
        verify_cpu = (first.cpu_per_verify + second.cpu_per_verify) / 2
        per_signin = (sum(closed.cpu.server_threads.values()) + closed.cpu.client_cpu) / max(
            closed.completed, 1)
        cpu_ratio = verify_cpu / per_signin
        say(f"  mean {argon2:.1f} verifies/s; sign-ins/s ratio to it: {ratio:.2f}")
        say(f"  CPU per sign-in (server + load generator) {ms(per_signin)} vs "
            f"{ms(verify_cpu)} per raw verify: {ms(per_signin - verify_cpu)} of it is not "
            f"password hashing; CPU-bound ratio {cpu_ratio:.2f}")

        # 3
        rate = closed.rate / 2
        say(f"\n[3] open loop at {rate:.1f}/s (50% of peak), {plan.open_seconds:.0f} s ...")
        metered = meter.start()
        opened = await open_loop(small, SMALL, rate, plan.open_seconds)
        machine = meter.stop(metered)
        p50, p99 = percentile(opened.latencies, 50), percentile(opened.latencies, 99)
        say(f"  {len(opened.latencies)} sign-ins, achieved {opened.achieved:.1f}/s: "
            f"p50 {ms(p50)}  p90 {ms(percentile(opened.latencies, 90))}  p99 {ms(p99)}  "
            f"max {ms(max(opened.latencies))}")
        say(f"  load generator CPU: {100 * opened.client_cpu / opened.wall:.1f}% of one core"
            + (f"; {opened.extra_connections} extra connections opened"
               if opened.extra_connections else ""))
        say(f"  {machine}")

        # 4
        await large.start()
        large_label = count_label(plan.large)
        say(f"\n[4] sequential sign-ins, {SMALL:,} vs {plan.large:,} accounts (second server, "
            f"pid {large.pid}), {plan.sequential} each, interleaved ...")
        metered = meter.start()
        small_lat, large_lat = await sequential([(small, SMALL), (large, plan.large)],
                                                plan.sequential, plan.sequential_warmup)
        machine = meter.stop(metered)
        p50_small, p50_large = percentile(small_lat, 50), percentile(large_lat, 50)
        size_ratio = p50_large / p50_small
        say(f"  {count_label(SMALL)}: p50 {ms(p50_small)}  p99 {ms(percentile(small_lat, 99))}")
        say(f"  {large_label}: p50 {ms(p50_large)}  p99 {ms(percentile(large_lat, 99))}")
        say(f"  {machine}")
    finally:
        small.stop()
        large.stop()

    say("\n" + "=" * 76)
    say(f"argon2 verifies/s ({n_cores} threads): {argon2:.1f}   "
        f"(before/after [2]: {first.rate:.1f}/{second.rate:.1f})")
    say(f"sign-ins/s (HTTP JSON API, SQLite): {closed.rate:.1f}   ratio {ratio:.2f} "
        f"(goal >= 0.90){'' if ratio >= 0.90 else '  BELOW GOAL'}")
    say(f"CPU-bound ratio (raw verify CPU / CPU per sign-in): {cpu_ratio:.2f}   "
        f"non-hashing CPU per sign-in: {ms(per_signin - verify_cpu)}")
    say(f"latency at 50% peak: p50 {ms(p50)}  p99 {ms(p99)}")
    say(f"p50 with {count_label(SMALL)} accounts: {ms(p50_small)}; with {large_label}: "
        f"{ms(p50_large)}   ratio {size_ratio:.2f} (goal <= 1.10)"
        f"{'' if size_ratio <= 1.10 else '  ABOVE GOAL'}")
    say(f"load generator CPU: {client_pct:.1f}% of one core")
    if meter.worst_others > NOISY or meter.worst_steal > NOISY:
        say(f"NOTE: noisy machine: other processes took up to {100 * meter.worst_others:.0f}%"
            f" and the hypervisor up to {100 * meter.worst_steal:.0f}% of the CPU in a phase;"
            f" rerun on a quiet machine for clean numbers")
    say("=" * 76)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="short phases and 100k instead of 1M accounts (smoke run)")
    parser.add_argument("--concurrency", type=int, default=12,
                        help="sign-ins in flight in the closed loop (default 12)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary data dirs (and serve.log) afterwards")
    args = parser.parse_args(argv)
    plan = plan_for(args)
    workdir = Path(tempfile.mkdtemp(prefix="monban-bench-"))
    try:
        return asyncio.run(run(plan, workdir))
    except SignInFailed as error:
        print(f"sign-in failed: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
