"""Diagnosing sign-ins: read an account's (or a flow's) attempts from the audit log and the
facts of now (settings, allowed lists, live sessions, locks, today's count), explain each
failed attempt, and apply the fix an admin chose. The CLI, the console page and the JSON API
all come through here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, select

from monban.accounts.model import Account, Org
from monban.accounts.org_settings import DEFAULT_SETTINGS
from monban.db.tables import audit_events
from monban.diagnostics import fixes
from monban.diagnostics.explain import UTC_ZONE, Explanation, Facts, explain
from monban.errors import CatalogueError
from monban.sessions import lifetime
from monban.signin import lockout
from monban.store import accounts, ip_rules, orgs, sessions
from monban.store.audit import AuditEvent
from monban.store.flows import public_ref

if TYPE_CHECKING:
    from monban.runtime import Runtime
    from monban.signin.request_info import RequestInfo

HISTORY_LIMIT = 2000
LOCK_IPS = 20


@dataclass(frozen=True, slots=True)
class Attempt:
    event: AuditEvent
    explanation: Explanation | None


@dataclass(frozen=True, slots=True)
class Report:
    account: Account | None
    org: Org | None
    attempts: tuple[Attempt, ...]
    facts: Facts
    zone: ZoneInfo

    def attempt(self, event_id: int | None) -> Attempt | None:
        return next((a for a in self.attempts if a.event.id == event_id), None)

    def newest_failure(self) -> Attempt | None:
        return next((a for a in self.attempts if a.explanation is not None), None)


@dataclass(frozen=True, slots=True)
class Query:
    account_id: str | None = None
    flow_id: str | None = None
    event_id: int | None = None
    org_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 20


@dataclass(slots=True)
class _Loaded:
    events: list[AuditEvent]
    history: list[AuditEvent]
    account: Account | None
    org: Org | None
    facts: dict[str, Any]


class Diagnostics:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def report(self, query: Query, zone: ZoneInfo | None = None) -> Report:
        """The attempts the query finds, newest first, each failure explained. `zone`: the
        reader's time zone (default: the org's)."""
        now = self._rt.clock.now()
        loaded = await self._rt.db.run(_load, query, now, write=False)
        account, org = loaded.account, loaded.org
        devices = loaded.facts.pop("devices", [])
        settings = org.settings if org else DEFAULT_SETTINGS
        today = now.astimezone(_zone(settings.timezone)).date().isoformat()
        locks: dict[str, datetime] = {}
        daily = 0
        if account is not None:
            locks = await self._locks(account, loaded, devices, now)
            daily = await self._rt.counters.daily_count(account.id, today)
        facts = Facts(now=now, account=account, org=org, settings=settings, locks=locks,
                      daily_count=daily, today=today, **loaded.facts)
        zone = zone or _zone(settings.timezone)
        attempts = tuple(Attempt(e, explain(e, facts, loaded.history, zone))
                         for e in loaded.events)
        return Report(account, org, attempts, facts, zone)

    async def _locks(self, account: Account, loaded: _Loaded, devices: list[str],
                     now: datetime) -> dict[str, datetime]:
        counters, found = self._rt.counters, {}
        ips = list(dict.fromkeys(e.ip for e in loaded.events + loaded.history
                                 if e.outcome == "failure" and e.ip))[:LOCK_IPS]
        for ip in ips:
            until = await counters.locked_until(lockout.keys_for(account.id, ip, None, False)
                                                .source, now)
            if until is not None:
                found[f"ip:{ip}"] = until
        browser_locks = [await counters.locked_until(
            lockout.keys_for(account.id, "", device, True).source, now)
            for device in devices]
        live = [until for until in browser_locks if until is not None]
        if live:
            found["browser"] = max(live)
        until = await counters.locked_until(lockout.keys_for(account.id, "", None, False)
                                            .account, now)
        if until is not None:
            found["account"] = until
        return found

    async def apply(self, event_id: int, key: str, actor: Account | None,
                    request: RequestInfo, value: int | None = None, org: Org | None = None
                    ) -> str:
        """Take fix `key` of attempt `event_id` as it is offered now (a fix no longer needed
        is not offered). `org`: the attempt must belong to a member of it."""
        report = await self.report(Query(event_id=event_id, org_id=org.id if org else None))
        attempt = report.attempt(event_id)
        if attempt is None or report.account is None or attempt.explanation is None:
            raise CatalogueError("NOT_FOUND", detail={"event": event_id})
        fix = next((f for f in attempt.explanation.fixes if f.key == key), None)
        if fix is None:
            raise CatalogueError("NOT_FOUND", detail={"fix": key[:40]})
        return await fixes.apply(self._rt, fix, report.account, report.org, actor, request,
                                value)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def _events(conn: Connection, q: Query) -> list[AuditEvent]:
    t = audit_events.c
    statement = (select(audit_events)
                 .where(t.event.like("signin.%") | (t.event == "mail.login"))
                 .order_by(t.id.desc()).limit(max(1, min(q.limit, 500))))
    if q.event_id is not None:
        statement = statement.where(t.id == q.event_id)
    if q.account_id:
        statement = statement.where(t.account_id == q.account_id)
    if q.flow_id:  # a flow's id or its public reference (what the audit keeps)
        statement = statement.where(t.flow_id == public_ref(q.flow_id))
    if q.org_id:
        statement = statement.where(t.org_id == q.org_id)
    if q.since:
        statement = statement.where(t.at >= _aware(q.since))
    if q.until:
        statement = statement.where(t.at < _aware(q.until))
    return [AuditEvent(**row._mapping) for row in conn.execute(statement)]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _history(conn: Connection, account_id: str, events: Sequence[AuditEvent]
             ) -> list[AuditEvent]:
    """The account's attempts around the listed ones (for the lockout's story), oldest
    first."""
    if not events:
        return []
    t = audit_events.c
    start = min(e.at for e in events) - timedelta(days=1)
    rows = conn.execute(select(audit_events).where(
        (t.account_id == account_id) & (t.at >= start) & (t.at <= max(e.at for e in events))
        & (t.event.like("signin.%") | t.event.like("reauth.%") | (t.event == "mail.login")))
        .order_by(t.id.desc()).limit(HISTORY_LIMIT))
    return [AuditEvent(**row._mapping) for row in reversed(list(rows))]


def _load(conn: Connection, q: Query, now: datetime) -> _Loaded:
    if q.account_id is None and q.flow_id is None and q.event_id is None:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "account"})
    events = _events(conn, q)
    account_id = q.account_id or next((e.account_id for e in events if e.account_id), None)
    account = accounts.get(conn, account_id) if account_id else None
    org_id = account.org_id if account else next((e.org_id for e in events if e.org_id), None)
    org = orgs.get(conn, org_id) if org_id else None
    facts: dict[str, Any] = {"devices": []}
    if account is None:
        return _Loaded(events, [], None, org, facts)
    idle = lifetime.idle_cutoff(org.settings if org else DEFAULT_SETTINGS, now)
    facts.update(
        org_rules=list(ip_rules.list_for(conn, "org", org.id)) if org else [],
        account_rules=list(ip_rules.list_for(conn, "account", account.id)),
        sessions=[s for s in sessions.list_live(conn, account.id, now, idle)
                  if s.kind == sessions.BROWSER],
        devices=fixes.known_devices(conn, account.id))
    return _Loaded(events, _history(conn, account.id, events), account, org, facts)
