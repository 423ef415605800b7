"""For the policy that refused an attempt: how things stand now (has the list changed, has the
lock run out, is it another day), who can fix it, and the fixes an admin can take."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from ipaddress import ip_address
from typing import Any

from monban.diagnostics import fixes
from monban.diagnostics.explain import Context, Verdict
from monban.diagnostics.readings import failure_run, next_day
from monban.diagnostics.words import N_, Line, moment, say
from monban.network.ip_rules import matching
from monban.sessions.device import describe
from monban.signin.policies import (
    LOCKOUT,
    MAIL_APP_PASSWORD,
    PASSWORD,
    SECOND_FACTOR,
    SESSION_LIMIT,
    AccountEnabled,
    AllowedIps,
    DailyLimit,
    NotRestricted,
    PasswordAge,
    SameFactor,
)
from monban.store.ip_rules import IpRule

Reader = Callable[[Context, Mapping[str, Any]], Verdict]

ADMIN_CLEARS = say(N_("An administrator of the organization: clear the lock."))
MEMBER_RESETS = say(N_("The member: try again, or reset the password."))


def blocked_scopes(ip: str, account_rules: list[IpRule], org_rules: list[IpRule]
                   ) -> list[str]:
    """Which allowed lists would refuse `ip` now (the member's own is checked first)."""
    try:
        address = ip_address(ip)
    except ValueError:
        return []
    return [scope for scope, rules in (("account", account_rules), ("org", org_rules))
            if rules and matching([(r.name, r.cidr) for r in rules], address) is None]


def _allowed_ips(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    facts, ip = ctx.facts, str(v.get("ip", ""))
    who = ((say(N_("The member: sign in from an allowed network.")),
            say(N_("An administrator of the organization: add the address to the "
                   "organization's allowed list.")))
           if v.get("scope") == "org" else
           (say(N_("The member: change their own list from an allowed network.")),
            say(N_("An administrator of the organization: add the address to the member's "
                   "own list.")),))
    blocked = blocked_scopes(ip, list(facts.account_rules), list(facts.org_rules))
    if not blocked:
        return Verdict(now=(say(N_("Now: %(ip)s would be allowed."), ip=ip),), resolved=True,
                       who=who)
    now = tuple(say(N_("Now: %(ip)s is still not in the organization's allowed list.")
                    if scope == "org" else
                    N_("Now: %(ip)s is still not in the member's own allowed list."), ip=ip)
                for scope in blocked)
    offered: list[fixes.Fix] = []
    if facts.account is not None:
        if "account" in blocked:
            offered.append(fixes.add_account_ip(ip))
        if "org" in blocked and facts.org is not None:
            offered.append(fixes.add_org_ip(ip))
    return Verdict(now=now, fixes=tuple(offered), who=who)


def _lock_now(ctx: Context, key: str) -> Verdict:
    until = ctx.facts.locks.get(key)
    if until is None:
        return Verdict(now=(say(N_("Now: the lock has ended.")),), resolved=True)
    offered = (fixes.clear_lockout(ctx.event.ip or ""),) if ctx.facts.account else ()
    return Verdict(now=(say(N_("Now: still locked until %(until)s."),
                            until=moment(until, ctx.zone)),), fixes=offered)


def _settings_in_force(ctx: Context) -> Line:
    s = ctx.facts.settings
    return say(N_("In force: %(threshold)s wrong attempts within %(window)s minutes lock a "
                  "browser or IP address for %(duration)s minutes, doubling with each lock "
                  "up to %(max)s minutes; %(account)s in a row lock the account."),
               threshold=s.lockout_threshold, window=s.lockout_window_minutes,
               duration=s.lockout_duration_minutes, max=s.lockout_max_minutes,
               account=s.account_lockout_threshold)


def _lockout(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    key = ("account" if v.get("scope") == "account" else
           "browser" if v.get("source") == "known_browser" else f"ip:{ctx.event.ip}")
    now = _lock_now(ctx, key)
    return Verdict(details=(_settings_in_force(ctx),), now=now.now, resolved=now.resolved,
                   fixes=now.fixes,
                   who=(say(N_("The member: wait until the lock ends, or reset the "
                               "password.")), ADMIN_CLEARS))


def _password(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    facts, event = ctx.facts, ctx.event
    if event.account_id is None or facts.account is None:
        return Verdict(who=(say(N_("The person: check the identifier they typed.")),))
    run = failure_run(ctx, inclusive=True)
    details = (say(N_("Wrong attempts in a row from %(ip)s so far: %(count)s (%(threshold)s "
                      "lock it)."),
                   count=len(run), ip=event.ip, threshold=facts.settings.lockout_threshold),)
    locked = _lock_now(ctx, f"ip:{event.ip}")
    now = () if locked.resolved else locked.now
    page = facts.member_page()
    offered = locked.fixes + ((fixes.set_password(page),) if page else ())
    return Verdict(details=details, now=now, fixes=offered,
                   who=(MEMBER_RESETS, say(N_("An administrator of the organization: set a "
                                              "new password."))))


def _enabled(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    account = ctx.facts.account
    who = (say(N_("An administrator of the organization: enable the account.")),)
    if account is not None and not account.disabled:
        return Verdict(now=(say(N_("Now: the account is enabled.")),), resolved=True, who=who)
    return Verdict(now=(say(N_("Now: the account is still disabled.")),),
                   fixes=(fixes.enable_account(),) if account else (), who=who)


def _daily(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    facts = ctx.facts
    limit, count, today = facts.settings.daily_signin_limit, facts.daily_count, facts.today
    who = (say(N_("The member: wait for the next day, or keep using a browser that is "
                  "already signed in.")),
           say(N_("An administrator of the organization: raise the daily limit.")))
    details = (say(N_("In force: %(limit)s successful sign-ins per member a day; the day "
                      "starts at midnight, %(timezone)s."), limit=limit or "-",
                   timezone=facts.settings.timezone),)
    if not limit:
        return Verdict(details, (say(N_("Now: there is no daily limit.")),), True, who=who)
    if count < limit:
        line = (say(N_("Now: a new day has begun (%(today)s): %(count)s of %(limit)s sign-ins "
                       "used."), today=today, count=count, limit=limit)
                if today and today != v.get("day") else
                say(N_("Now: %(count)s of %(limit)s sign-ins used today."), count=count,
                    limit=limit))
        return Verdict(details, (line,), True, who=who)
    reset = moment(next_day(today, facts.settings.timezone), ctx.zone)
    line = say(N_("Now: %(count)s of %(limit)s sign-ins used today; the count starts again at "
                  "%(reset)s."), count=count, limit=limit, reset=reset)
    return Verdict(details, (line,), False,
                   (fixes.raise_limit("daily_signin_limit", limit * 2),), who)


def _sessions(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    facts = ctx.facts
    limit, live = facts.settings.session_limit, len(facts.sessions)
    who = (say(N_("The member: end other sessions (offered at sign-in once the password is "
                  "proven), or sign out elsewhere.")),
           say(N_("Support or an administrator of the organization: end the member's "
                  "sessions; an administrator can raise the limit.")))
    if not limit:
        return Verdict(now=(say(N_("Now: there is no concurrent session limit.")),),
                       resolved=True, who=who)
    lines = tuple(say(N_("%(device)s from %(ip)s, signed in %(started)s, last seen %(seen)s"),
                      device=describe(s.user_agent), ip=s.ip,
                      started=moment(s.created_at, ctx.zone),
                      seen=moment(s.last_seen_at, ctx.zone)) for s in facts.sessions)
    now = (say(N_("Now: %(live)s of %(limit)s sessions in use."), live=live, limit=limit),)
    if live < limit:
        return Verdict(now=now + lines, resolved=True, who=who)
    offered = ((fixes.end_sessions(), fixes.raise_limit("session_limit", limit + 1))
               if facts.account else ())
    return Verdict(now=now + lines, fixes=offered, who=who)


def _second_factor(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    details: tuple[Line, ...] = ()
    if v.get("factor") == "totp" and ctx.event.code == "INVALID_OTP":
        details = (say(N_("Authenticator app codes follow the phone's clock: a clock that is "
                          "off makes every code wrong (the help topic shows how to sync it).")),)
    page = ctx.facts.member_page()
    return Verdict(details=details, fixes=(fixes.reset_mfa(page),) if page else (),
                   who=(say(N_("The member: try again, or sign in another way (another method "
                               "or a backup code).")),
                        say(N_("An administrator of the organization, or support: reset the "
                               "member's two-step verification."))))


def _mail_app_password(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    return Verdict(who=(say(N_("The member: generate an app-specific password (security page, "
                              "App passwords for mail clients) and enter it in the mail client "
                              "instead of the account password.")),))


def _restriction(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    return Verdict(who=(say(N_("The member: turn sign-in restriction off in the authenticator "
                               "app.")),
                        say(N_("Support, when the member no longer has any device with the app: "
                               "turn the restriction off (monban user unrestrict) after "
                               "checking who they are."))))


def _password_age(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    account, who = ctx.facts.account, (
        say(N_("The member: choose a new password when signing in (it is asked right "
               "away).")),
        say(N_("An administrator of the organization: set a new password for the member.")))
    changed = account.password_changed_at if account is not None else None
    if account is not None and not account.must_change_password and changed is not None \
            and changed > ctx.event.at:
        return Verdict(now=(say(N_("Now: the password has been changed since.")),),
                       resolved=True, who=who)
    return Verdict(who=who)


def _same_factor(ctx: Context, v: Mapping[str, Any]) -> Verdict:
    return Verdict(who=(say(N_("The member: sign in with the password instead, or add a "
                               "second factor of another kind (an authenticator app, a "
                               "security key).")),))


READERS: dict[str, Reader] = {
    AllowedIps.name: _allowed_ips,
    LOCKOUT.name: _lockout,
    PASSWORD.name: _password,
    AccountEnabled.name: _enabled,
    NotRestricted.name: _restriction,
    DailyLimit.name: _daily,
    SESSION_LIMIT.name: _sessions,
    PasswordAge.name: _password_age,
    SameFactor.name: _same_factor,
    SECOND_FACTOR.name: _second_factor,
    MAIL_APP_PASSWORD.name: _mail_app_password,
}
"""What each refusing step adds; a step without one has its catalogue entry's who-can-fix."""


def verdict(ctx: Context, policy: str, values: Mapping[str, Any]) -> Verdict:
    reader = READERS.get(policy)
    return reader(ctx, values) if reader else Verdict()
