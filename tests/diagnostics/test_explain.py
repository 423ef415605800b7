"""explain(): audit events and the facts of now in, explanations out (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from monban.accounts.model import Account, Org, Role
from monban.accounts.org_settings import OrgSettings
from monban.diagnostics import Facts, explain, member_reason
from monban.diagnostics.explain import Explanation
from monban.diagnostics.fixes import add_org_ip, end_sessions, may_take
from monban.diagnostics.words import Line, speaker
from monban.store.audit import AuditEvent
from monban.store.ip_rules import IpRule

T0 = datetime(2026, 1, 1, 10, 2, tzinfo=UTC)
EN = speaker("en")
ORG = Org(id="o1", name="Acme", slug="acme", settings=OrgSettings(), created_at=T0)


def account(**changes: Any) -> Account:
    values: dict[str, Any] = dict(
        id="a1", org_id="o1", role=Role.MEMBER, email="hanako@acme.example", phone=None,
        username=None, display_name="Hanako", language="en", timezone="UTC",
        password_hash=None, password_changed_at=None, disabled=False, is_superadmin=False,
        created_at=T0)
    return Account(**{**values, **changes})


def rule(cidr: str, name: str, scope: str = "org") -> IpRule:
    return IpRule(id=cidr, scope=scope, owner_id="o1", cidr=cidr, name=name, created_at=T0)


def facts(**changes: Any) -> Facts:
    values: dict[str, Any] = dict(now=T0 + timedelta(minutes=5), account=account(), org=ORG,
                                  settings=ORG.settings, today="2026-01-01")
    return Facts(**{**values, **changes})


def step(policy: str, passed: bool, **values: Any) -> dict[str, Any]:
    return {"policy": policy, "passed": passed, "values": values}


def event(code: str | None, *steps: dict[str, Any], at: datetime = T0, id: int = 100,
          ip: str = "203.0.113.5", ua: str = "Firefox", **fields: Any) -> AuditEvent:
    return AuditEvent(at=at, event="signin.password" if code else "signin.success",
                      outcome="failure" if code else "success", code=code,
                      account_id=fields.pop("account_id", "a1"), org_id="o1", ip=ip,
                      user_agent=ua, flow_id=f"flow{id}", detail={"trace": list(steps)},
                      id=id, **fields)


def said(x: Explanation) -> str:
    lines: list[Line | None] = [x.reason, *x.details, *x.now, *x.who,
                                *(f.label for f in x.fixes), *(s.says for s in x.steps)]
    return "\n".join(EN(line) for line in lines)


REFUSED_IP = step("allowed_ips", False, ip="203.0.113.5", scope="org",
                  rules=["Tokyo office 10.1.0.0/16", "VPN 10.2.0.0/16"])


def test_a_success_needs_no_explanation() -> None:
    assert explain(event(None), facts()) is None


def test_ip_not_allowed_names_the_list_and_offers_to_add_the_address() -> None:
    x = explain(event("IP_NOT_ALLOWED", REFUSED_IP), facts(org_rules=[rule("10.1.0.0/16", "x")]))
    assert x is not None and x.policy == "allowed_ips" and not x.resolved
    assert EN(x.reason) == ("203.0.113.5 is not in the organization's allowed list: "
                            "'Tokyo office' 10.1.0.0/16, 'VPN' 10.2.0.0/16.")
    assert [f.key for f in x.fixes] == ["add_org_ip"] and x.fixes[0].params == {
        "ip": "203.0.113.5"}
    assert "An administrator of the organization: add the address" in said(x)


def test_ip_allowed_since_is_resolved_without_fixes() -> None:
    now_allowed = facts(org_rules=[rule("203.0.113.0/24", "Partner")])
    x = explain(event("IP_NOT_ALLOWED", REFUSED_IP), now_allowed)
    assert x is not None and x.resolved and x.fixes == ()
    assert EN(x.now[0]) == "Now: 203.0.113.5 would be allowed."
    emptied = explain(event("IP_NOT_ALLOWED", REFUSED_IP), facts())
    assert emptied is not None and emptied.resolved


def test_own_list_refusal_offers_both_lists_when_both_would_refuse() -> None:
    refused = step("allowed_ips", False, ip="203.0.113.5", scope="account",
                   rules=["home 2001:db8::/32"])
    x = explain(event("IP_NOT_ALLOWED", refused),
                facts(account_rules=[rule("2001:db8::/32", "home", "account")],
                      org_rules=[rule("10.1.0.0/16", "Tokyo office")]))
    assert x is not None
    assert EN(x.reason) == ("203.0.113.5 is not in the member's own allowed list: "
                            "'home' 2001:db8::/32.")
    assert [f.key for f in x.fixes] == ["add_account_ip", "add_org_ip"]


def _failures(n: int, start: datetime, ip: str = "203.0.113.5", code: str = "INVALID_CREDENTIALS",
              first_id: int = 1) -> list[AuditEvent]:
    return [event(code, at=start + timedelta(minutes=i), id=first_id + i, ip=ip)
            for i in range(n)]


def test_lockout_tells_how_many_since_when_and_until_when() -> None:
    until = T0 + timedelta(minutes=15)
    history = [*_failures(3, T0 - timedelta(hours=2)),  # before a success: not counted
               event(None, at=T0 - timedelta(hours=1), id=10),
               *_failures(8, T0, first_id=20),
               *_failures(2, T0, ip="198.51.100.9", first_id=40)]  # another source
    locked = event("SIGNIN_ATTEMPTS_EXCEEDED",
                   step("attempt_lockout", False, scope="source", failures=8, threshold=8,
                        locked_until=until.isoformat(), source="ip"),
                   at=T0 + timedelta(minutes=9), id=50)
    x = explain(locked, facts(locks={"ip:203.0.113.5": until}), history,
                ZoneInfo("Asia/Tokyo"))
    assert x is not None and x.policy == "attempt_lockout"
    assert EN(x.reason) == ("8 wrong passwords in a row from 203.0.113.5 since 2026-01-01 "
                            "19:02 JST: locked until 2026-01-01 19:17 JST.")
    assert EN(x.now[0]) == "Now: still locked until 2026-01-01 19:17 JST."
    assert [f.key for f in x.fixes] == ["clear_lockout"]
    assert "8 wrong attempts within 60 minutes lock" in EN(x.details[0])
    ended = explain(locked, facts(), history)
    assert ended is not None and ended.resolved and ended.fixes == ()


def test_lockout_from_a_known_browser_with_codes_and_for_the_account() -> None:
    history = [*_failures(4, T0), *_failures(4, T0 + timedelta(minutes=4), code="INVALID_OTP",
                                             first_id=10)]
    browser = event("SIGNIN_ATTEMPTS_EXCEEDED",
                    step("attempt_lockout", False, scope="source", failures=8, threshold=8,
                         locked_until=None, source="known_browser"), id=99,
                    at=T0 + timedelta(minutes=9))
    x = explain(browser, facts(locks={"browser": T0 + timedelta(hours=1)}), history)
    assert x is not None and EN(x.reason).startswith(
        "8 wrong passwords or codes in a row from this browser since 2026-01-01 10:02 UTC")
    whole = event("SIGNIN_ATTEMPTS_EXCEEDED",
                  step("attempt_lockout", False, scope="account", failures=100, threshold=100,
                       locked_until=None, source="ip"), id=99, at=T0 + timedelta(minutes=9))
    y = explain(whole, facts(locks={"account": T0 + timedelta(hours=1)}), history)
    assert y is not None and "for the whole account" in EN(y.reason)
    assert "except on browsers where the member signed in before" in EN(y.reason)


def test_daily_limit_on_a_new_day_is_resolved() -> None:
    refused = event("DAILY_SIGNIN_LIMIT", step("daily_signin_limit", False, limit=20,
                                               day="2025-12-31", count=20, timezone="UTC"))
    x = explain(refused, facts(daily_count=0))
    assert x is not None and x.resolved
    assert EN(x.reason) == ("20 of 20 sign-ins already used on 2025-12-31: the limit is "
                            "reached until 2026-01-01 00:00 UTC.")
    assert EN(x.now[0]) == "Now: a new day has begun (2026-01-01): 0 of 20 sign-ins used."
    still = explain(refused, facts(daily_count=20, today="2025-12-31"))
    assert still is not None and [f.key for f in still.fixes] == ["raise_daily_signin_limit"]
    assert still.fixes[0].params["value"] == 40


def test_a_policy_without_a_reader_is_told_generically() -> None:
    refused = event("SIGNIN_METHOD_NOT_ALLOWED",
                    step("signin_method", False, method="password", allowed=["webauthn"]))
    x = explain(refused, facts())
    assert x is not None and x.policy == "signin_method" and x.fixes == ()
    assert EN(x.reason) == "signin_method: refused (method=password, allowed=[webauthn])"
    assert [EN(line) for line in x.who] == ["An administrator of the organization."]


def test_an_attempt_without_a_trace() -> None:
    x = explain(AuditEvent(at=T0, event="signin.identifier", outcome="failure",
                           code="ACCOUNT_NOT_FOUND", identifier="ghost@acme.example"), facts())
    assert x is not None and x.policy is None and x.reason is None and x.steps == ()
    assert [EN(line) for line in x.who] == ["The member."]


def test_an_unknown_identifier_answered_as_a_wrong_password() -> None:
    hidden = event("INVALID_CREDENTIALS", step("password", False), account_id=None,
                   identifier="ghost@acme.example")
    x = explain(hidden, facts(account=None))
    assert x is not None and EN(x.reason).startswith(
        "No account has the identifier ghost@acme.example")
    assert x.fixes == ()


def test_what_a_member_reads_about_their_own_attempts() -> None:
    reason = member_reason(event("IP_NOT_ALLOWED", REFUSED_IP))
    assert reason is not None
    text = EN(reason)
    assert text == "Your IP address 203.0.113.5 is not on your organization's allowed list."
    assert "10.1.0.0" not in text and "Tokyo" not in text
    lock = member_reason(event("SIGNIN_ATTEMPTS_EXCEEDED", step(
        "attempt_lockout", False, scope="source", failures=8, threshold=8,
        locked_until=(T0 + timedelta(minutes=15)).isoformat())), ZoneInfo("Asia/Tokyo"))
    assert lock is not None and speaker("ja")(lock) == (
        "続けて誤った回数が多すぎるため、2026-01-01 19:17 JST までロックされています。")
    assert member_reason(event(None)) is None


def test_who_may_take_a_fix() -> None:
    admin, support = account(role=Role.ADMIN), account(role=Role.SUPPORT)
    member, root = account(), account(org_id=None, role=None, is_superadmin=True)
    assert may_take(add_org_ip("1.2.3.4"), admin, "o1")
    assert not may_take(add_org_ip("1.2.3.4"), support, "o1")
    assert may_take(end_sessions(), support, "o1") and not may_take(end_sessions(), member, "o1")
    assert not may_take(end_sessions(), admin, "another org")
    assert may_take(add_org_ip("1.2.3.4"), root, "o1") and may_take(end_sessions(), None, None)
