"""Password + TOTP sign-in throughput of a real `monban serve`, against the Argon2id ceiling
of the same machine.

    python bench/mfa_throughput.py [--quick]

In one run, on the cores this process may use:
  1. raw Argon2id verifies/s with the server's parameters, one thread per core (measured in
     two halves, before and after (2), and averaged);
  2. password + TOTP sign-ins/s through the HTTP JSON API, closed loop. One sign-in is two
     requests: POST /api/v1/signin/flows with identifier and password (answered 200 with
     state "mfa", the flow id and the account's TOTP factor), then POST
     /api/v1/signin/flows/{flow}/mfa/verify with the factor id and the 6-digit code (and the
     flow's `flow_token` as X-Flow-Token)
     (answered 200 with a session token). Its ratio to (1) is the headline (goal >= 0.85);
     also the CPU-bound ratio (raw verify CPU / server+client CPU per sign-in), which other
     load on the machine hardly moves, the non-hashing CPU per sign-in and its split by
     server thread.

A TOTP code is good once per account and 30-second step (the server refuses a replay), so
the accounts (10,000 by default) each have their own TOTP factor, and each sign-in takes an
account that has not signed in during the current step yet, with the code for that step.
The factors are inserted straight into the database the way the server's confirm step writes
them; a few more accounts enrol through the real API (password sign-in, enroll, confirm) and
their rows are checked against the inserted ones before the measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sqlite3
import sys
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyotp
from bench_http import Connection
from bench_setup import (
    PASSWORD,
    SIGNIN_PATH,
    Meter,
    Server,
    SignInFailed,
    TotpSeed,
    account_ids,
    closed_loop,
    cores,
    db_path,
    describe_machine,
    email_for,
    headline,
    insert_accounts,
    insert_totp_factors,
    new_password_hash,
    prepare_data_dir,
    run_in_workdir,
    say,
    thread_split,
    versus_ceiling,
)

from monban.config import Settings
from monban.crypto.sealing import Sealer

GOAL = 0.85
"""Password + TOTP sign-ins/s divided by raw Argon2id verifies/s."""
STEP = 30
"""Seconds per TOTP step (RFC 6238; factors/totp.py)."""
FACTOR_NAME = "bench"
API_ENROLLED = 4
"""Accounts that enrol their TOTP factor through the API, to check the inserted rows by."""


@dataclass(frozen=True)
class Plan:
    argon2_seconds: float
    warmup_seconds: float
    closed_seconds: float
    concurrency: int
    accounts: int


def plan_for(args: argparse.Namespace) -> Plan:
    if args.quick:
        return Plan(argon2_seconds=2, warmup_seconds=1, closed_seconds=5,
                    concurrency=args.concurrency, accounts=args.accounts)
    return Plan(argon2_seconds=8, warmup_seconds=3, closed_seconds=30,
                concurrency=args.concurrency, accounts=args.accounts)


def current_step() -> int:
    return int(time.time()) // STEP


# Accounts and codes ----------------------------------------------------------------------
class TotpAccount:
    __slots__ = ("email", "factor_id", "otp", "last_step")

    def __init__(self, email: str, factor_id: str, secret: str, last_step: int = -1) -> None:
        self.email = email
        self.factor_id = factor_id
        self.otp = pyotp.TOTP(secret)
        self.last_step = last_step
        """The last step whose code this account has sent (or that its confirm spent)."""


class Picker:
    """Each sign-in's account and code: at random, an account that has not used the current
    step yet, and the code for that step. The code is fixed when the account is picked, so a
    sign-in whose verify reaches the server in the next step still sends the code of the
    step it was picked in (the server accepts the previous step's code and spends that
    step), and no two sign-ins ever send one account's code for the same step."""

    def __init__(self, accounts: Sequence[TotpAccount]) -> None:
        self.accounts = accounts
        self.step = -1
        self.left: list[TotpAccount] = []
        self.dry = 0
        """How often a sign-in had to wait for the next step: every account had signed in
        during the current one (the rate exceeded accounts / 30 s)."""

    def take(self) -> tuple[TotpAccount, str] | None:
        step = current_step()
        if step != self.step:
            self.step = step
            self.left = [a for a in self.accounts if a.last_step != step]
            random.shuffle(self.left)
        if not self.left:
            return None
        account = self.left.pop()
        account.last_step = step
        return account, account.otp.generate_otp(step)


def refused(what: str, status: int, body: bytes) -> SignInFailed:
    return SignInFailed(f"{what}: HTTP {status}: {body[:400].decode(errors='replace')}")


async def mfa_sign_in(conn: Connection, picker: Picker) -> None:
    """One password + TOTP sign-in: password step, then the TOTP code; a token at the end."""
    picked = picker.take()
    while picked is None:
        picker.dry += 1
        await asyncio.sleep(STEP - time.time() % STEP + 0.01)
        picked = picker.take()
    account, code = picked
    status, body = await conn.post_json(
        SIGNIN_PATH, {"identifier": account.email, "password": PASSWORD})
    if status != 200:
        raise refused("password step", status, body)
    answer = json.loads(body)
    totp = [f for f in answer.get("factors") or () if f.get("kind") == "totp"]
    if answer.get("state") != "mfa" or not totp:
        raise refused("password step (no TOTP asked for)", status, body)
    status, body = await conn.post_json(
        f"{SIGNIN_PATH}/{answer['flow']['id']}/mfa/verify",
        {"factor_id": totp[0]["id"], "response": {"code": code}},
        {"X-Flow-Token": answer["flow_token"]})
    if status != 200 or b'"token"' not in body:
        raise refused(f"TOTP step ({account.email})", status, body)


# Set-up through the API, and the check of the inserted rows against it -------------------
async def enroll_through_api(server: Server, email: str) -> TotpAccount:
    """Password sign-in, POST /api/v1/me/factors/totp, confirm with the current code."""
    conn = await Connection.open(server.host, server.port)
    try:
        status, body = await conn.post_json(SIGNIN_PATH,
                                            {"identifier": email, "password": PASSWORD})
        if status != 200 or b'"token"' not in body:
            raise refused("enrolment: sign-in", status, body)
        auth = {"Authorization": f"Bearer {json.loads(body)['token']}"}
        status, body = await conn.post_json("/api/v1/me/factors/totp", {"name": FACTOR_NAME},
                                            auth)
        if status != 201:
            raise refused("enrolment: enroll", status, body)
        enrollment = json.loads(body)["enrollment"]
        secret = enrollment["display"]["secret"]
        step = current_step()
        status, body = await conn.post_json(
            f"/api/v1/me/factors/totp/{enrollment['id']}/confirm",
            {"response": {"code": pyotp.TOTP(secret).generate_otp(step)}}, auth)
        if status != 201:
            raise refused("enrolment: confirm", status, body)
        return TotpAccount(email, json.loads(body)["factor"]["id"], secret, last_step=step)
    finally:
        await conn.close()


def factor_rows(data_dir: Path, factor_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    with sqlite3.connect(db_path(data_dir)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute(
            f"SELECT * FROM factors WHERE id IN ({', '.join('?' for _ in factor_ids)})",
            list(factor_ids)).fetchall()
    return {row["id"]: dict(row) for row in rows}


def check_inserted_rows(data_dir: Path, inserted: Sequence[TotpSeed],
                        enrolled: Sequence[TotpAccount]) -> None:
    """The inserted factor rows (a sample of 500) must be stored exactly like the ones the
    API made: the same values in every column but the ids, the seed and the time (whose text
    must have the same form), and each seed must open with the data dir's key to the seed it
    was made from."""
    sealer = Sealer(Settings(data_dir=data_dir, database_url="").resolved_secret_key())
    sample = random.sample(list(inserted), min(len(inserted), 500))
    secrets = {seed.factor_id: seed.secret for seed in sample}
    secrets.update({account.factor_id: account.otp.secret for account in enrolled})
    rows = factor_rows(data_dir, list(secrets))

    def shape(row: dict[str, Any]) -> dict[str, Any]:
        if sealer.open(row["secret"], row["account_id"]) != secrets[row["id"]]:
            raise RuntimeError(f"factor {row['id']}: the sealed seed does not open")
        kept = {k: v for k, v in row.items() if k not in ("id", "account_id", "secret")}
        kept["created_at"] = re.sub(r"\d", "0", str(kept["created_at"]))
        return kept

    if len(rows) != len(secrets):
        raise RuntimeError(f"{len(secrets) - len(rows)} factor rows are missing")
    shapes = {json.dumps(shape(row), sort_keys=True) for row in rows.values()}
    if len(shapes) != 1:
        raise RuntimeError("inserted factor rows differ from the API's:\n" + "\n".join(shapes))


# Main ------------------------------------------------------------------------------------
async def run(plan: Plan, workdir: Path) -> int:
    settings = Settings()
    n_cores = cores()
    say(f"monban password + TOTP sign-in benchmark: {describe_machine(settings)}")
    say(f"work dir: {workdir}")

    say("\nsetting up (monban migrate, org create, org set, bulk accounts, TOTP factors) ...")
    started = time.perf_counter()
    data_dir = workdir / "data"
    org_id = prepare_data_dir(data_dir)
    password_hash = new_password_hash(settings.argon2_memory_kib, settings.argon2_time_cost,
                                      settings.argon2_parallelism)
    insert_accounts(data_dir, org_id, 0, plan.accounts + API_ENROLLED, password_hash)
    seeds = insert_totp_factors(data_dir, account_ids(data_dir, 0, plan.accounts), FACTOR_NAME)
    say(f"  {plan.accounts:,} accounts, each with a TOTP factor inserted directly, in "
        f"{time.perf_counter() - started:.1f} s")

    server = Server(data_dir)
    meter = Meter([server])
    try:
        await server.start()
        say(f"  monban serve (pid {server.pid}) on port {server.port}")
        enrolled = [await enroll_through_api(server, email_for(i))
                    for i in range(plan.accounts, plan.accounts + API_ENROLLED)]
        check_inserted_rows(data_dir, seeds, enrolled)
        say(f"  {API_ENROLLED} more accounts enrolled through the API (sign-in, enroll, "
            f"confirm); their factor rows match the inserted ones")
        accounts = [TotpAccount(email_for(i), seed.factor_id, seed.secret)
                    for i, seed in enumerate(seeds)] + enrolled
        picker = Picker(accounts)

        def one(conn: Connection) -> Awaitable[None]:
            return mfa_sign_in(conn, picker)

        def extra() -> list[str]:
            return ([f"  the account pool ran dry {picker.dry} times (sign-ins waited for the "
                     f"next 30 s step): use more --accounts"] if picker.dry else [])

        versus = await versus_ceiling(
            server, meter, settings, n_cores, plan.argon2_seconds,
            f"closed loop of password + TOTP sign-ins, {plan.concurrency} in flight, "
            f"{len(accounts):,} accounts, {plan.warmup_seconds:.0f} s warm-up + "
            f"{plan.closed_seconds:.0f} s",
            lambda: closed_loop(server, one, plan.concurrency, plan.warmup_seconds,
                                plan.closed_seconds, meter),
            extra)
    finally:
        server.stop()

    closed = versus.closed
    say("\n" + "=" * 76)
    for line in headline(versus, n_cores,
                         "password + TOTP sign-ins/s (HTTP JSON API, SQLite)", GOAL,
                         meter.noisy):
        say(line)
    say(thread_split(server, closed.cpu, closed.completed))
    say(f"load generator CPU: {versus.client_pct:.1f}% of one core")
    if picker.dry:
        say(f"NOTE: the account pool ran dry {picker.dry} times: rerun with more --accounts")
    note = meter.noise_note()
    if note:
        say(note)
    say("=" * 76)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="short phases (smoke run, about 20 s)")
    parser.add_argument("--concurrency", type=int, default=12,
                        help="sign-ins in flight in the closed loop (default 12)")
    parser.add_argument("--accounts", type=int, default=10_000,
                        help="accounts with a TOTP factor (default 10,000); each signs in at "
                             "most once per 30 s step, so this caps the rate at accounts/30")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary data dir (and serve.log) afterwards")
    args = parser.parse_args(argv)
    return run_in_workdir(lambda workdir: run(plan_for(args), workdir), args.keep)


if __name__ == "__main__":
    sys.exit(main())
