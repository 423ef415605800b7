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
import random
import sys
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_http import Connection
from bench_setup import (
    PASSWORD,
    SIGNIN_PATH,
    Meter,
    Server,
    SignInFailed,
    closed_loop,
    cores,
    count_label,
    describe_machine,
    email_for,
    headline,
    insert_accounts,
    ms,
    new_password_hash,
    prepare_data_dir,
    run_in_workdir,
    say,
    versus_ceiling,
)

from monban.config import Settings

SMALL = 10_000
GOAL = 0.90
"""Sign-ins/s divided by raw Argon2id verifies/s."""


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


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# Sign-in requests ------------------------------------------------------------------------
async def sign_in(conn: Connection, account: int) -> None:
    status, body = await conn.post_json(
        SIGNIN_PATH, {"identifier": email_for(account), "password": PASSWORD})
    if status != 200 or b'"token"' not in body:
        raise SignInFailed(f"HTTP {status}: {body[:400].decode(errors='replace')}")


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


# Main ------------------------------------------------------------------------------------
async def run(plan: Plan, workdir: Path) -> int:
    settings = Settings()
    n_cores = cores()
    say(f"monban sign-in benchmark: {describe_machine(settings)}")
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

        # 1 and 2: the ceiling in two halves, before and after the closed loop
        def one(conn: Connection) -> Awaitable[None]:
            return sign_in(conn, random.randrange(SMALL))

        versus = await versus_ceiling(
            small, meter, settings, n_cores, plan.argon2_seconds,
            f"closed loop, {plan.concurrency} in flight, {plan.warmup_seconds:.0f} s warm-up + "
            f"{plan.closed_seconds:.0f} s",
            lambda: closed_loop(small, one, plan.concurrency, plan.warmup_seconds,
                                plan.closed_seconds, meter))

        # 3
        rate = versus.closed.rate / 2
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
    for line in headline(versus, n_cores, "sign-ins/s (HTTP JSON API, SQLite)", GOAL,
                         meter.noisy):
        say(line)
    say(f"latency at 50% peak: p50 {ms(p50)}  p99 {ms(p99)}")
    say(f"p50 with {count_label(SMALL)} accounts: {ms(p50_small)}; with {large_label}: "
        f"{ms(p50_large)}   ratio {size_ratio:.2f} (goal <= 1.10)"
        f"{'' if size_ratio <= 1.10 else '  ABOVE GOAL'}")
    say(f"load generator CPU: {versus.client_pct:.1f}% of one core")
    note = meter.noise_note()
    if note:
        say(note)
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
    return run_in_workdir(lambda workdir: run(plan, workdir), args.keep)


if __name__ == "__main__":
    sys.exit(main())
