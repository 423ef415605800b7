"""How each policy's trace reads: the sentence for a step (with the values it used), and for
the step that refused, what has changed since and what an admin can do about it.

Richer readings (READINGS) for the steps of signin/policies.py whose values say more than
the step's own sentence; every other step is told as its policy describes itself there."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monban.diagnostics.explain import Context, generic
from monban.diagnostics.words import N_, Line, factor_label, moment, say
from monban.errors import is_wrong_guess
from monban.signin.policies import (
    BY_NAME,
    LOCKOUT,
    MAIL_APP_PASSWORD,
    PASSWORD,
    SECOND_FACTOR,
    SESSION_LIMIT,
    SIGNIN_CODE,
    AllowedIps,
    DailyLimit,
    Described,
    PasswordAge,
    SameFactor,
)
from monban.store.audit import AuditEvent

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


Reading = Callable[[Context, bool, Mapping[str, Any]], Line]


def sentence(ctx: Context, policy: str, passed: bool, values: Mapping[str, Any]) -> Line:
    """A trace step in words: its richer reading below, else what its policy says of itself
    (signin/policies.py), else (a name no policy declares: an old row) its name and values."""
    reading = READINGS.get(policy)
    if reading is not None:
        return reading(ctx, passed, values)
    step = BY_NAME.get(policy)
    if step is None:
        return generic(policy, passed, values)
    return described(step, passed, values)


def described(step: Described, passed: bool, values: Mapping[str, Any]) -> Line:
    """The step's own sentence, its placeholders filled from the values it noted."""
    msgid = step.passed if passed else step.refused
    return say(msgid, **{name: values.get(name, "?") for name in PLACEHOLDER.findall(msgid)})


def _allowed_ips(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    if passed:
        return say(N_("%(ip)s is in the organization's allowed list (%(matched)s).")
                   if v.get("scope") == "org" else
                   N_("%(ip)s is in the member's own allowed list (%(matched)s)."),
                   ip=v.get("ip"), matched=v.get("matched"))
    return say(N_("%(ip)s is not in the organization's allowed list: %(rules)s.")
               if v.get("scope") == "org" else
               N_("%(ip)s is not in the member's own allowed list: %(rules)s."),
               ip=v.get("ip"), rules=rule_list(v.get("rules")))


def _password(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    if passed:
        return say(N_("The password was correct."))
    if ctx.event.account_id is None:
        return say(N_("No account has the identifier %(identifier)s; it was answered as "
                      "a wrong password so as not to reveal that."),
                   identifier=ctx.event.identifier or "?")
    return say(N_("The password was wrong."))


def _daily_limit(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    if not v.get("limit"):
        return say(N_("No daily sign-in limit."))
    if passed:
        return say(N_("Sign-in %(count)s of %(limit)s on %(day)s."), **_daily(v))
    return say(N_("%(count)s of %(limit)s sign-ins already used on %(day)s: the limit is "
                  "reached until %(reset)s."), **_daily(v, ctx.zone))


def _session_limit(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    if "ended_other_sessions" in v:
        return say(N_("The member ended %(ended)s other sessions to sign in here."),
                   ended=v["ended_other_sessions"])
    if passed:
        return say(N_("%(live)s of %(limit)s concurrent sessions in use before this one."),
                   live=v.get("live"), limit=v.get("limit"))
    return say(N_("%(live)s of %(limit)s concurrent sessions were in use."),
               live=v.get("live"), limit=v.get("limit"))


def _second_factor(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    factor = factor_label(str(v.get("factor", "")))
    if passed:
        return say(N_("Second step passed: %(factor)s."), factor=factor)
    return say(N_("The answer to the second step was wrong (%(factor)s)."), factor=factor)


def _signin_code(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    if passed:
        return say(N_("A sign-in code sent by %(channel)s was entered."),
                   channel=str(v.get("channel", "?")).upper())
    return say(N_("The sign-in code was wrong or had expired."))


def _mail_app_password(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    if passed:
        return say(N_("The mail client used the app-specific password %(name)s."),
                   name=v.get("name", "?"))
    return say(N_("The account password was right, but multi-factor authentication is "
                  "on: a mail client must use an app-specific password."))


def _password_age(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    if v.get("reason") == "must_change":
        return say(N_("An administrator set this password asking for a new one at the next "
                      "sign-in: the member was asked to choose one."))
    return say(N_("The password was older than the organization allows (%(days)s days): the "
                  "member was asked to choose a new one."),
               days=v.get("max_age_days") or "-")


def _same_factor(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    factor = factor_label(str(v.get("first", "")))
    if passed:
        return say(N_("The sign-in code came by %(factor)s; another second factor proves the "
                      "second step."), factor=factor)
    return say(N_("The sign-in code came by %(factor)s, the account's only second factor: "
                  "the same phone cannot prove both steps."), factor=factor)


def rule_list(rules: Any) -> str:
    """["Tokyo office 10.1.0.0/16", ...] as 'Tokyo office' 10.1.0.0/16, ..."""
    shown = []
    for rule in rules if isinstance(rules, list) else []:
        name, _, cidr = str(rule).rpartition(" ")
        shown.append(f"'{name}' {cidr}" if name else cidr)
    return ", ".join(shown) or "-"


def _lockout(ctx: Context, passed: bool, v: Mapping[str, Any]) -> Line:
    if passed:
        return say(N_("%(failures)s wrong attempts in a row before this one; %(threshold)s "
                      "lock the source."), failures=v.get("failures_before", 0),
                   threshold=v.get("threshold"))
    scope, source = v.get("scope"), v.get("source", "ip")
    first, only_passwords = run_of_failures(ctx, scope, source, int(v.get("failures") or 0))
    values = {"failures": v.get("failures"), "until": moment(v.get("locked_until"), ctx.zone),
              "since": moment(first, ctx.zone), "ip": ctx.event.ip}
    if scope == "account":
        return say(N_("%(failures)s wrong passwords or codes in a row for the whole account "
                      "since %(since)s: locked until %(until)s, except on browsers where the "
                      "member signed in before."), **values)
    if source == "known_browser":
        return say(N_("%(failures)s wrong passwords in a row from this browser since "
                      "%(since)s: locked until %(until)s.") if only_passwords else
                   N_("%(failures)s wrong passwords or codes in a row from this browser since "
                      "%(since)s: locked until %(until)s."), **values)
    return say(N_("%(failures)s wrong passwords in a row from %(ip)s since %(since)s: locked "
                  "until %(until)s.") if only_passwords else
               N_("%(failures)s wrong passwords or codes in a row from %(ip)s since %(since)s: "
                  "locked until %(until)s."), **values)


def failure_run(ctx: Context, scope: Any = "source", source: Any = "ip",
                inclusive: bool = False) -> list[AuditEvent]:
    """The wrong secrets in a row from the attempt's source (its IP address, or its browser
    told apart by user agent, or the whole account) since that source's last success: the
    attempts before this one, and this one too when `inclusive`."""
    event = ctx.event

    def same_source(other: AuditEvent) -> bool:
        if scope == "account":
            return True
        if source == "known_browser":
            return other.user_agent == event.user_agent
        return other.ip == event.ip

    run: list[AuditEvent] = []
    for other in ctx.history:
        if other.id is not None and event.id is not None:
            later = other.id > event.id or (other.id == event.id and not inclusive)
        else:
            later = other.at > event.at
        if later or not same_source(other):
            continue
        if other.outcome == "success":
            run = []
        elif is_wrong_guess(other.code):  # what the attempt guard counted
            run.append(other)
    return run


def run_of_failures(ctx: Context, scope: Any, source: Any, count: int
                    ) -> tuple[datetime | None, bool]:
    """When the `count` wrong secrets that set the lock began, and whether all were
    passwords."""
    run = failure_run(ctx, scope, source)
    run = run[-count:] if count else run
    if not run:
        return None, True
    return run[0].at, all(e.code == "INVALID_CREDENTIALS" for e in run)


def _daily(v: Mapping[str, Any], zone: ZoneInfo | None = None) -> dict[str, Any]:
    values = {"count": v.get("count"), "limit": v.get("limit"), "day": v.get("day")}
    if zone is not None:
        values["reset"] = moment(next_day(str(v.get("day")), str(v.get("timezone") or "UTC")),
                                 zone)
    return values


def next_day(day: str, timezone: str) -> datetime | None:
    """Midnight after `day` in `timezone`: when the daily count starts again."""
    try:
        start = datetime.fromisoformat(day).replace(tzinfo=ZoneInfo(timezone))
    except (ValueError, ZoneInfoNotFoundError):
        return None
    return start + timedelta(days=1)


READINGS: dict[str, Reading] = {
    AllowedIps.name: _allowed_ips,
    LOCKOUT.name: _lockout,
    PASSWORD.name: _password,
    DailyLimit.name: _daily_limit,
    SESSION_LIMIT.name: _session_limit,
    SECOND_FACTOR.name: _second_factor,
    SIGNIN_CODE.name: _signin_code,
    MAIL_APP_PASSWORD.name: _mail_app_password,
    PasswordAge.name: _password_age,
    SameFactor.name: _same_factor,
}
"""Richer readings than a policy's own sentence, for steps whose values say more."""
