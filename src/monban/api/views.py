"""How accounts, sessions, flows and rules look in JSON."""

from __future__ import annotations

from typing import Any

from monban.accounts.model import Account, Org
from monban.factors.base import Enrollment, FactorRecord
from monban.factors.one_time_codes import mask
from monban.sessions.device import describe
from monban.signin.second_step import SecondStepRequired
from monban.store.app_passwords import AppPassword
from monban.store.audit import AuditEvent
from monban.store.flows import Flow, public_ref
from monban.store.ip_rules import IpRule
from monban.store.sessions import Session
from monban.store.trusted_browsers import TrustedBrowser


def account_view(account: Account) -> dict[str, Any]:
    return {"id": account.id, "org_id": account.org_id,
            "role": account.role.value if account.role else None, "email": account.email,
            "phone": account.phone, "username": account.username,
            "display_name": account.display_name, "language": account.language,
            "timezone": account.timezone, "disabled": account.disabled,
            "superadmin": account.is_superadmin, "created_at": account.created_at.isoformat()}


def org_view(org: Org) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "slug": org.slug,
            "settings": org.settings.model_dump(), "created_at": org.created_at.isoformat()}


def session_view(session: Session, current_id: str | None = None) -> dict[str, Any]:
    return {"id": session.id, "device": describe(session.user_agent), "ip": session.ip,
            "user_agent": session.user_agent, "persistent": session.persistent,
            "kind": session.kind, "started_at": session.created_at.isoformat(),
            "last_seen_at": session.last_seen_at.isoformat(),
            "expires_at": session.expires_at.isoformat(), "current": session.id == current_id}


def flow_view(flow: Flow) -> dict[str, Any]:
    return {"id": flow.id, "ref": public_ref(flow.id), "state": flow.state,
            "next": flow.state, "expires_at": flow.expires_at.isoformat(),
            "keep_signed_in": flow.keep_signed_in}


def rule_view(rule: IpRule) -> dict[str, Any]:
    return {"id": rule.id, "cidr": rule.cidr, "name": rule.name,
            "created_at": rule.created_at.isoformat()}


def audit_view(event: AuditEvent) -> dict[str, Any]:
    return {"id": event.id, "at": event.at.isoformat(), "event": event.event,
            "outcome": event.outcome, "code": event.code, "account_id": event.account_id,
            "org_id": event.org_id, "actor_id": event.actor_id, "identifier": event.identifier,
            "ip": event.ip, "user_agent": event.user_agent, "flow_id": event.flow_id,
            "detail": event.detail}


def factor_view(record: FactorRecord) -> dict[str, Any]:
    return {"id": record.id, "kind": record.kind, "name": record.name,
            "target": mask(record.target) if record.target else None,
            "remaining": record.data.get("remaining") if record.kind == "backup_code" else None,
            "preferred": record.preferred, "created_at": record.created_at.isoformat(),
            "last_used_at": record.last_used_at.isoformat() if record.last_used_at else None}


def enrollment_view(enrollment: Enrollment) -> dict[str, Any]:
    return {"id": enrollment.id, "kind": enrollment.kind, "display": enrollment.display,
            "expires_at": enrollment.expires_at.isoformat() if enrollment.expires_at else None,
            "factor": factor_view(enrollment.factor) if enrollment.factor else None}


def second_step_view(step: SecondStepRequired) -> dict[str, Any]:
    return {"state": step.state, "flow": {"id": step.flow_id, "state": step.state,
                                          "next": step.state,
                                          "expires_at": step.expires_at.isoformat()
                                          if step.expires_at else None},
            "factors": [factor_view(f) for f in step.factors], "enrollable": step.enrollable}


def trusted_browser_view(browser: TrustedBrowser) -> dict[str, Any]:
    return {"id": browser.id, "name": browser.name, "ip": browser.ip,
            "trusted_at": browser.created_at.isoformat(),
            "expires_at": browser.expires_at.isoformat(),
            "last_used_at": browser.last_used_at.isoformat()}


def app_password_view(password: AppPassword) -> dict[str, Any]:
    return {"id": password.id, "name": password.name,
            "created_at": password.created_at.isoformat(),
            "last_used_at": password.last_used_at.isoformat() if password.last_used_at
            else None,
            "last_used_protocol": password.last_used_protocol,
            "last_used_ip": password.last_used_ip}
