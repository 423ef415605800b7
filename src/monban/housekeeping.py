"""Deleting what no longer matters: used or expired flows, sessions ended or expired long
ago, attempt counters with nothing left to hold, and past days' sign-in counts. The audit
log is kept (its retention is the operator's choice)."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, or_, text

from monban.db.tables import attempt_counters, daily_signins, flows, sessions
from monban.runtime import Runtime
from monban.store import devices, oidc_tokens, otp_challenges, push_challenges, totp_steps
from monban.support import queue as support_queue

FLOW_GRACE = timedelta(hours=1)
SESSION_KEEP = timedelta(days=30)
COUNTER_KEEP = timedelta(days=2)
EVERY_SECONDS = 600

log = logging.getLogger("monban.housekeeping")


@dataclass(frozen=True, slots=True)
class Swept:
    flows: int
    sessions: int
    counters: int
    days: int
    codes: int = 0
    """one-time codes and used TOTP steps"""
    support_requests: int = 0
    """support requests expired (or done: their code was used)"""
    skipped: bool = False
    """another node was sweeping at that moment (PostgreSQL)"""


SWEEP_LOCK = 0x6D6F6E62616E + 1
"""Every node and worker sweeps on its own timer; on PostgreSQL one at a time sweeps (the
others skip that round) so their DELETEs never deadlock each other. SQLite's IMMEDIATE
transactions serialise them already, and a sweep is idempotent either way."""


def sweep_now(conn: Connection, now: datetime) -> Swept:
    if conn.dialect.name == "postgresql" and not conn.execute(
            text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": SWEEP_LOCK}).scalar():
        return Swept(0, 0, 0, 0, skipped=True)
    gone_flows = conn.execute(delete(flows).where(flows.c.expires_at < now - FLOW_GRACE))
    gone_sessions = conn.execute(delete(sessions).where(or_(
        sessions.c.ended_at < now - SESSION_KEEP, sessions.c.expires_at < now - SESSION_KEEP)))
    gone_counters = conn.execute(delete(attempt_counters).where(and_(
        attempt_counters.c.last_failure_at < now - COUNTER_KEEP,
        or_(attempt_counters.c.locked_until.is_(None),
            attempt_counters.c.locked_until < now))))
    yesterday = (now - timedelta(days=2)).date().isoformat()
    gone_days = conn.execute(delete(daily_signins).where(daily_signins.c.day < yesterday))
    gone_codes = otp_challenges.sweep(conn, now - COUNTER_KEEP)
    gone_steps = totp_steps.sweep(conn, now - timedelta(days=1))
    gone_steps += oidc_tokens.sweep(conn, now - timedelta(days=1))  # OIDC codes, refresh tokens
    settled = support_queue.refresh_now(conn, now)
    gone_codes += devices.purge_nonces(conn, now) + push_challenges.purge(conn, now - FLOW_GRACE)
    return Swept(gone_flows.rowcount, gone_sessions.rowcount, gone_counters.rowcount,
                 gone_days.rowcount, gone_codes + gone_steps, settled)


async def sweep(runtime: Runtime) -> Swept:
    return await runtime.db.run(sweep_now, runtime.clock.now())


async def run_forever(runtime: Runtime) -> None:
    # spread the nodes' and workers' timers so their rounds rarely meet
    await asyncio.sleep(random.uniform(0, EVERY_SECONDS / 2))
    while True:
        await asyncio.sleep(EVERY_SECONDS)
        try:
            swept = await sweep(runtime)
            log.info("housekeeping: %s", swept)
        except Exception:  # noqa: BLE001 - the next round tries again
            log.exception("housekeeping failed")
