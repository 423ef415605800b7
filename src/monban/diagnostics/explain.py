"""Why a sign-in attempt failed, from its audit event and what is true now.

Pure: in go the attempt's audit event (its code and `detail.trace`, the policy steps the flow
evaluated with the values each used), the account's earlier attempts (the lockout's story),
and Facts (the settings, allowed lists, live sessions, locks and today's count, read by
service.py); out comes an Explanation: each step in words, the one that decided, what has
changed since, who can fix it and the fixes an admin can take. No database, no web.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monban.accounts.model import Account, Org
from monban.accounts.org_settings import OrgSettings
from monban.diagnostics.fixes import Fix
from monban.diagnostics.words import FIX_BY, N_, Line, policy_label, say
from monban.errors import CATALOGUE
from monban.signin.policies import (
    LOCKOUT,
    PASSWORD,
    SECOND_FACTOR,
    SESSION_LIMIT,
    AccountEnabled,
    AllowedIps,
    DailyLimit,
    NotRestricted,
    PasswordAge,
)
from monban.store.audit import AuditEvent
from monban.store.ip_rules import IpRule
from monban.store.sessions import Session

UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Facts:
    """What is true now for the account the attempts belong to."""

    now: datetime
    account: Account | None
    org: Org | None
    settings: OrgSettings
    org_rules: Sequence[IpRule] = ()
    account_rules: Sequence[IpRule] = ()
    sessions: Sequence[Session] = ()
    """Live browser sessions."""
    locks: Mapping[str, datetime] = field(default_factory=dict)
    """Live locks: "ip:<address>", "browser" (any known browser) and "account"."""
    daily_count: int = 0
    today: str = ""
    """Today in the org's time zone (YYYY-MM-DD)."""

    def member_page(self) -> str | None:
        if self.org is None or self.account is None:
            return None
        return f"/admin/orgs/{self.org.slug}/members/{self.account.id}"


@dataclass(frozen=True, slots=True)
class Step:
    policy: str
    passed: bool
    decided: bool
    values: Mapping[str, Any]
    says: Line


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a refusing policy's reading adds: details, how things stand now, the fixes."""

    details: tuple[Line, ...] = ()
    now: tuple[Line, ...] = ()
    resolved: bool = False
    fixes: tuple[Fix, ...] = ()
    who: tuple[Line, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    code: str
    policy: str | None
    """The policy that decided (None when the trace names none, e.g. ACCOUNT_NOT_FOUND)."""
    steps: tuple[Step, ...]
    reason: Line | None
    details: tuple[Line, ...]
    now: tuple[Line, ...]
    resolved: bool
    """What refused the attempt would no longer refuse it."""
    who: tuple[Line, ...]
    fixes: tuple[Fix, ...]


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a policy's reading may look at."""

    event: AuditEvent
    facts: Facts
    history: Sequence[AuditEvent]
    zone: ZoneInfo


def steps_of(event: AuditEvent) -> list[tuple[str, bool, dict[str, Any]]]:
    raw = event.detail.get("trace") if isinstance(event.detail, dict) else None
    steps = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("policy"), str):
            values = item.get("values")
            steps.append((item["policy"], bool(item.get("passed")),
                          dict(values) if isinstance(values, dict) else {}))
    return steps


def explain(event: AuditEvent, facts: Facts, history: Sequence[AuditEvent] = (),
            zone: ZoneInfo = UTC_ZONE) -> Explanation | None:
    """The explanation of a failed attempt (None for a success)."""
    from monban.diagnostics import readings, verdicts

    if event.outcome != "failure" or not event.code or event.code not in CATALOGUE:
        return None
    ctx = Context(event, facts, history, zone)
    raw = steps_of(event)
    refused = [i for i, (_, passed, _) in enumerate(raw) if not passed]
    decided_at = refused[-1] if refused else None
    steps = tuple(Step(policy, passed, i == decided_at, values,
                       readings.sentence(ctx, policy, passed, values))
                  for i, (policy, passed, values) in enumerate(raw))
    decided = steps[decided_at] if decided_at is not None else None
    verdict = verdicts.verdict(ctx, decided.policy, decided.values) if decided else Verdict()
    return Explanation(
        code=event.code, policy=decided.policy if decided else None, steps=steps,
        reason=decided.says if decided else None, details=verdict.details, now=verdict.now,
        resolved=verdict.resolved, who=verdict.who or who_can_fix(event.code),
        fixes=() if verdict.resolved else verdict.fixes)


def who_can_fix(code: str) -> tuple[Line, ...]:
    return (Line(FIX_BY[CATALOGUE[code].fix_by]),)


def generic(policy: str, passed: bool, values: Mapping[str, Any]) -> Line:
    shown = ", ".join(f"{k}={_plain(v)}" for k, v in values.items()) or "-"
    msgid = N_("%(policy)s: passed (%(values)s)") if passed else N_(
        "%(policy)s: refused (%(values)s)")
    return say(msgid, policy=policy_label(policy), values=shown)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


MEMBER_REASONS = {
    (AllowedIps.name, "org"): N_("Your IP address %(ip)s is not on your organization's "
                                 "allowed list."),
    (AllowedIps.name, "account"): N_("Your IP address %(ip)s is not on your own allowed "
                                     "list."),
    (LOCKOUT.name, ""): N_("Too many wrong attempts in a row: locked until %(until)s."),
    (PASSWORD.name, ""): N_("The password was wrong."),
    (AccountEnabled.name, ""): N_("The account is disabled."),
    (NotRestricted.name, ""): N_("Sign-in restriction is on: turn it off in the authenticator "
                                 "app."),
    (DailyLimit.name, ""): N_("All %(limit)s sign-ins of the day were used."),
    (SESSION_LIMIT.name, ""): N_("%(live)s of %(limit)s sessions were in use."),
    (PasswordAge.name, ""): N_("The password had to be changed before signing in."),
    (SECOND_FACTOR.name, ""): N_("The answer to the second step was wrong."),
}


def member_reason(event: AuditEvent, zone: ZoneInfo = UTC_ZONE) -> Line | None:
    """The reason a member may read about their own failed attempt: the policy and the values
    that concern them, never the organization's lists or settings beyond the number."""
    from monban.diagnostics.words import moment

    if event.outcome != "failure":
        return None
    refused = [(p, v) for p, passed, v in steps_of(event) if not passed]
    if not refused:
        return None
    policy, values = refused[-1]
    scope = str(values.get("scope", "")) if policy == AllowedIps.name else ""
    msgid = MEMBER_REASONS.get((policy, scope))
    if msgid is None:
        return None
    return say(msgid, ip=values.get("ip", ""), limit=values.get("limit", ""),
               live=values.get("live", ""), until=moment(values.get("locked_until"), zone))
