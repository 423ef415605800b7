"""A diagnosis as JSON (the API and `monban diagnose --json`) and as text (the CLI), in one
language; both say what the console page shows."""

from __future__ import annotations

import json
import shlex
from datetime import datetime
from ipaddress import ip_address
from typing import TYPE_CHECKING, Any

from monban.accounts.model import Account
from monban.diagnostics.explain import Explanation
from monban.diagnostics.fixes import Fix, may_take
from monban.diagnostics.service import Attempt, Diagnostics, Query, Report
from monban.diagnostics.words import N_, moment, policy_label, speaker
from monban.errors import CatalogueError, message
from monban.i18n.catalog import gettext_for
from monban.sessions.device import describe
from monban.signin.request_info import RequestInfo

if TYPE_CHECKING:
    from monban.runtime import Runtime


def help_path(code: str) -> str:
    return f"/help/errors/{code}"


def command(fix: Fix, event_id: int | None, label: str) -> str | None:
    """The same fix at the command line."""
    if fix.key == "set_password":
        return f"monban user set-password {shlex.quote(label)}"
    if fix.href is not None or fix.key == "reset_mfa":  # done by a person, on the console
        return None
    return f"monban diagnose --event {event_id} --apply {fix.key}"


def as_dict(report: Report, language: str, app: str = "",
            actor: Account | None = None) -> dict[str, Any]:
    speak = speaker(language)
    account, org = report.account, report.org

    def fix_view(fix: Fix, event_id: int | None) -> dict[str, Any]:
        return {"key": fix.key, "label": speak(fix.label), "role": fix.role,
                "params": dict(fix.params), "href": fix.href,
                "allowed": may_take(fix, actor, org.id if org else None, account),
                "command": command(fix, event_id, account.label if account else "")}

    def explanation(x: Explanation, event_id: int | None) -> dict[str, Any]:
        return {
            "code": x.code, "message": message(x.code, language, app=app),
            "help": help_path(x.code), "policy": x.policy, "reason": speak(x.reason),
            "console": f"/admin/orgs/{org.slug}/diagnose?event={event_id}" if org else None,
            "steps": [{"policy": s.policy, "label": speak(policy_label(s.policy)),
                       "passed": s.passed, "decided": s.decided, "values": dict(s.values),
                       "text": speak(s.says)} for s in x.steps],
            "details": [speak(line) for line in x.details],
            "now": [speak(line) for line in x.now], "resolved": x.resolved,
            "who": [speak(line) for line in x.who],
            "fixes": [fix_view(f, event_id) for f in x.fixes]}

    def attempt(a: Attempt) -> dict[str, Any]:
        e = a.event
        return {"id": e.id, "at": e.at.isoformat(), "event": e.event, "outcome": e.outcome,
                "code": e.code, "message": message(e.code, language, app=app) if e.code
                else None, "identifier": e.identifier, "ip": e.ip,
                "device": describe(e.user_agent) if e.user_agent else None,
                "flow_id": e.flow_id,
                "explanation": explanation(a.explanation, e.id) if a.explanation else None}

    return {"account": {"id": account.id, "label": account.label} if account else None,
            "org": {"slug": org.slug, "name": org.name} if org else None,
            "attempts": [attempt(a) for a in report.attempts]}


def as_text(report: Report, language: str, app: str = "") -> str:
    data = as_dict(report, language, app)
    lines: list[str] = []
    if data["account"]:
        org = f" ({data['org']['name']})" if data["org"] else ""
        lines.append(f"{data['account']['label']}{org}")
    if not data["attempts"]:
        lines.append("(no sign-in attempts found)")
    for raw, a in zip(report.attempts, data["attempts"], strict=True):
        when = moment(raw.event.at, report.zone)
        lines.append(f"{when}\t{a['outcome']}\t{a['code'] or a['event']}\t{a['ip'] or '-'}\t"
                     f"{a['device'] or '-'}\tevent {a['id']}\tflow {a['flow_id'] or '-'}")
        x = a["explanation"]
        if x:
            lines.extend(_explanation_text(x, language))
    return "\n".join(lines)


def _explanation_text(x: dict[str, Any], language: str) -> list[str]:
    _ = gettext_for(language)
    out = [f"    {x['message']}"]
    if x["reason"]:
        out.append(f"    {_(WHY)}: {x['reason']}")
    if x["policy"]:
        out.append(f"    {_(DECIDED_BY)}: {x['policy']}")
    for step in x["steps"]:
        mark = "✗" if not step["passed"] else "✓"
        values = " ".join(f"{k}={v}" for k, v in step["values"].items())
        out.append(f"      {mark} {step['policy']}: {step['text']}  [{values}]")
    out.extend(f"    {line}" for line in x["details"] + x["now"])
    out.append(f"    {_(WHO_CAN_FIX)}: " + " ".join(x["who"]))
    for fix in x["fixes"]:
        how = fix["command"] or fix["href"] or x["console"] or ""
        out.append(f"    {_(FIX)}: {fix['label']} ({fix['role']})  {how}")
    out.append(f"    {_(HELP)}: {x['help']}")
    return out


WHY = N_("Why")
DECIDED_BY = N_("Decided by")
WHO_CAN_FIX = N_("Who can fix it")
FIX = N_("Fix")
HELP = N_("Help")


OPERATOR = RequestInfo(ip=ip_address("127.0.0.1"), user_agent="monban-cli")


async def run_diagnose(runtime: Runtime, *, account: str | None, flow: str | None,
                       event: int | None, since: datetime | None, until: datetime | None,
                       limit: int, language: str | None, apply: str | None,
                       value: int | None, as_json: bool) -> str:
    """`monban diagnose`: the operator may take every fix."""
    if sum(x is not None for x in (account, flow, event)) != 1:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "account|flow|event"})
    language = language if language in ("ja", "en") else runtime.settings.default_language
    app = runtime.settings.authenticator_app_name
    diagnostics = Diagnostics(runtime)
    done = None
    if apply:
        if event is None:
            raise CatalogueError("INVALID_REQUEST", detail={"field": "event"})
        done = await diagnostics.apply(event, apply, None, OPERATOR, value)
    account_id = (await runtime.directory.account(account)).id if account else None
    report = await diagnostics.report(Query(account_id=account_id, flow_id=flow,
                                            event_id=event, since=since, until=until,
                                            limit=limit))
    if as_json:
        data = as_dict(report, language, app)
        if apply:
            data["applied"] = {"fix": apply, "result": done}
        return json.dumps(data, ensure_ascii=False, indent=2)
    text = as_text(report, language, app)
    return f"applied {apply}: {done}\n{text}" if apply else text
