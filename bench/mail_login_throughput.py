"""Mail logins a mail server asks about (POST /api/v1/mail/logins) of a real `monban serve`:

    python bench/mail_login_throughput.py [--seconds 10] [--concurrency 12]

In one run, on the cores this process may use:
  1. the HTTP floor: GET /healthz per second on the same server (the cheapest request the
     stack answers: uvicorn + the app's middlewares, no database);
  2. app-password logins/s (one HMAC, one UPDATE ... RETURNING, the lockout counters and an
     audit row) and their ratio to (1): how close a mail login gets to an empty request;
  3. account-password logins/s (MFA off, so Argon2id runs) and their ratio to raw Argon2id
     verifies/s measured in the same run, as bench/signin_throughput.py does for sign-ins.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench_http import Connection
from bench_setup import (
    PASSWORD,
    Meter,
    Server,
    SignInFailed,
    argon2_rate,
    closed_loop,
    cores,
    db_path,
    describe_machine,
    describe_server_cpu,
    email_for,
    insert_accounts,
    new_password_hash,
    prepare_data_dir,
    run_in_workdir,
    say,
)

from monban.config import Settings
from monban.crypto.code_hash import CodeHasher
from monban.db.tables import app_passwords
from monban.mail.app_passwords import PURPOSE, generate

ACCOUNTS = 1_000
TOKEN = "bench-mail-servers-token"  # noqa: S105


def insert_app_passwords(data_dir: Path) -> list[str]:
    """One app password for each bench account, written as the server would store it."""
    secret = (data_dir / "secret_key").read_text().strip()
    codes = CodeHasher(secret)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(db_path(data_dir)) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM accounts ORDER BY email")]
        passwords = [generate() for _ in ids]
        conn.executemany(
            f"INSERT INTO {app_passwords.name} (id, account_id, name, digest, created_at) "
            "VALUES (?, ?, 'bench', ?, ?)",
            [(os.urandom(16).hex(), account_id, codes.digest(PURPOSE, password), now)
             for account_id, password in zip(ids, passwords, strict=True)])
    return passwords


async def ask(conn: Connection, i: int, secret: str) -> None:
    status, body = await conn.post_json(
        "/api/v1/mail/logins",
        {"username": email_for(i), "password": secret, "protocol": "imap",
         "client_ip": f"10.{i % 250}.{i // 250 % 250}.9"},
        headers={"Authorization": f"Bearer {TOKEN}"})
    if status != 200:
        raise SignInFailed(f"mail login answered {status}: {body[:200]!r}")


async def run(args: argparse.Namespace, workdir: Path) -> int:
    os.environ["MONBAN_MAIL_AUTH_TOKEN"] = TOKEN
    settings = Settings()
    n_cores = cores()
    say(f"monban mail-login benchmark: {describe_machine(settings)}")
    data_dir = workdir / "data"
    org = prepare_data_dir(data_dir)
    insert_accounts(data_dir, org, 0, ACCOUNTS, new_password_hash(
        settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism))
    passwords = insert_app_passwords(data_dir)
    server = Server(data_dir)
    meter = Meter([server])
    try:
        await server.start()

        async def healthz(conn: Connection) -> None:
            status, _ = await conn.get("/healthz")
            if status != 200:
                raise SignInFailed(f"/healthz answered {status}")

        def app_password(conn: Connection) -> asyncio.Future[None]:
            i = random.randrange(ACCOUNTS)
            return asyncio.ensure_future(ask(conn, i, passwords[i]))

        def account_password(conn: Connection) -> asyncio.Future[None]:
            return asyncio.ensure_future(ask(conn, random.randrange(ACCOUNTS), PASSWORD))

        floor = await closed_loop(server, healthz, args.concurrency, 2, args.seconds, meter)
        say(f"\n[1] GET /healthz: {floor.rate:,.0f}/s")
        mail = await closed_loop(server, app_password, args.concurrency, 2, args.seconds, meter)
        say(f"[2] app-password mail logins: {mail.rate:,.0f}/s  "
            f"(ratio to [1]: {mail.rate / floor.rate:.2f})")
        for line in describe_server_cpu(server, mail.cpu, mail.completed):
            say(line)
        before = argon2_rate(settings, n_cores, args.seconds / 2)
        slow = await closed_loop(server, account_password, args.concurrency, 2, args.seconds,
                                 meter)
        after = argon2_rate(settings, n_cores, args.seconds / 2)
        ceiling = (before.rate + after.rate) / 2
        say(f"[3] account-password mail logins (MFA off): {slow.rate:,.1f}/s; raw Argon2id "
            f"{ceiling:,.1f}/s; ratio {slow.rate / ceiling:.2f}")
    finally:
        server.stop()
    note = meter.noise_note()
    if note:
        say(note)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=12)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    status = run_in_workdir(lambda workdir: run(args, workdir), args.keep)
    say(f"(run took {time.perf_counter() - started:.0f} s)")
    return status


if __name__ == "__main__":
    sys.exit(main())
