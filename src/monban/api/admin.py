"""/api/v1/orgs and /api/v1/accounts: organisation and member administration.

Who may do what to whom is admin/authorization.py's rule; the directory applies it to every
change (with the actor as stored), and the reads here ask it too."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request

from monban.accounts.model import Account, Org, Role
from monban.admin.authorization import Action, Target, authorize
from monban.api.auth import current_session
from monban.api.models import (
    NewAccount,
    NewDomain,
    NewIpRule,
    NewOrg,
    OrgSettingsPatch,
    SetPassword,
    UpdateMember,
)
from monban.api.views import account_view, audit_view, org_view, rule_view, session_view
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated
from monban.store.audit import AuditQuery

router = APIRouter(prefix="/api/v1", tags=["administration"])



async def _org(request: Request, key: str, actor: Account, action: Action) -> Org:
    org = await runtime_of(request).directory.org(key)
    authorize(actor, action, Target(org.id))
    return org




@router.post("/orgs", status_code=201)
async def create_org(body: NewOrg, request: Request,
                     auth: Authenticated = Depends(current_session)) -> Any:
    org = await runtime_of(request).directory.create_org(body.name, body.slug, auth.account.id)
    return {"org": org_view(org)}


@router.get("/orgs/{org_key}")
async def get_org(org_key: str, request: Request,
                  auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    domains = await runtime_of(request).directory.domains(org)
    return {"org": {**org_view(org), "domains": domains}}


@router.patch("/orgs/{org_key}/settings")
async def update_settings(org_key: str, body: OrgSettingsPatch, request: Request,
                          auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.CHANGE_SETTINGS)
    settings = await runtime_of(request).directory.update_settings(org, body.changes(),
                                                                 auth.account.id)
    return {"settings": settings.model_dump()}


@router.post("/orgs/{org_key}/domains", status_code=201)
async def add_domain(org_key: str, body: NewDomain, request: Request,
                     auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.CHANGE_SETTINGS)
    await runtime_of(request).directory.add_domain(org, body.domain, auth.account.id)
    return {"added": body.domain.lower()}


@router.get("/orgs/{org_key}/members")
async def members(org_key: str, request: Request,
                  auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    found = await runtime_of(request).directory.members(org)
    return {"members": [account_view(a) for a in found]}


@router.post("/orgs/{org_key}/members", status_code=201)
async def add_member(org_key: str, body: NewAccount, request: Request,
                     auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    role = Role.parse(body.role)
    account = await runtime_of(request).directory.create_account(
        display_name=body.display_name, email=body.email, phone=body.phone,
        username=body.username, password=body.password, org=org, role=role,
        language=body.language, timezone=body.timezone, actor_id=auth.account.id)
    return {"account": account_view(account)}


@router.patch("/orgs/{org_key}/members/{account_id}")
async def update_member(org_key: str, account_id: str, body: UpdateMember, request: Request,
                        auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    changes = body.changes()
    if "role" in changes:
        changes["role"] = Role.parse(changes["role"])
    updated = await runtime_of(request).directory.update_account(
        member, actor_id=auth.account.id, **changes)
    return {"account": account_view(updated)}


@router.put("/orgs/{org_key}/members/{account_id}/password")
async def set_member_password(org_key: str, account_id: str, body: SetPassword,
                              request: Request,
                              auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    await runtime_of(request).directory.set_password(member, body.password, auth.account.id,
                                                   end_sessions=body.end_sessions)
    return {"changed": True}


@router.get("/orgs/{org_key}/members/{account_id}/sessions")
async def member_sessions(org_key: str, account_id: str, request: Request,
                          auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    live = await runtime_of(request).sessions.list_live(member, org.settings)
    return {"sessions": [session_view(s) for s in live]}


@router.delete("/orgs/{org_key}/members/{account_id}/sessions/{session_id}")
async def end_member_session(org_key: str, account_id: str, session_id: str,
                             request: Request,
                             auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    if not await runtime_of(request).sessions.end(member, session_id, auth.account,
                                                str(request_info(request).ip)):
        raise CatalogueError("NOT_FOUND")
    return {"ended": True}


@router.post("/orgs/{org_key}/members/{account_id}/sessions/end-all")
async def end_member_sessions(org_key: str, account_id: str, request: Request,
                              auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    member = await runtime_of(request).directory.member(org, account_id)
    count = await runtime_of(request).sessions.end_others(member, None, auth.account,
                                                        str(request_info(request).ip))
    return {"ended": count}


@router.get("/orgs/{org_key}/allowed-ips")
async def org_rules(org_key: str, request: Request,
                    auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_ORG)
    rules = await runtime_of(request).directory.ip_rules("org", org.id)
    return {"allowed_ips": [rule_view(r) for r in rules],
            "your_ip": str(request_info(request).ip)}


@router.post("/orgs/{org_key}/allowed-ips", status_code=201)
async def add_org_rule(org_key: str, body: NewIpRule, request: Request,
                       auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.MANAGE_IP_RULES)
    cidr = str(request_info(request).ip) if body.cidr == "current" else body.cidr
    rule = await runtime_of(request).directory.add_ip_rule("org", org.id, cidr, body.name,
                                                         auth.account.id)
    return {"allowed_ip": rule_view(rule)}


@router.delete("/orgs/{org_key}/allowed-ips/{rule_id}")
async def remove_org_rule(org_key: str, rule_id: str, request: Request,
                          auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.MANAGE_IP_RULES)
    await runtime_of(request).directory.remove_ip_rule("org", org.id, rule_id, auth.account.id)
    return {"removed": True}


@router.get("/orgs/{org_key}/audit")
async def org_audit(org_key: str, request: Request, account: str | None = None,
                    code: str | None = None, flow: str | None = None,
                    since: datetime | None = None, until: datetime | None = None,
                    limit: int = 100, auth: Authenticated = Depends(current_session)) -> Any:
    org = await _org(request, org_key, auth.account, Action.READ_AUDIT)
    account_id = (await runtime_of(request).directory.member(org, account)).id if account else None
    events = await runtime_of(request).directory.audit(AuditQuery(
        org_id=org.id, account_id=account_id, code=code, flow_id=flow, since=since,
        until=until, limit=max(1, min(limit, 1000))))
    return {"events": [audit_view(e) for e in events]}


@router.post("/accounts", status_code=201)
async def create_personal_account(body: NewAccount, request: Request,
                                  auth: Authenticated = Depends(current_session)) -> Any:
    """A personal account (outside any org); superadmins only."""
    account = await runtime_of(request).directory.create_account(
        display_name=body.display_name, email=body.email, phone=body.phone,
        username=body.username, password=body.password, language=body.language,
        timezone=body.timezone, actor_id=auth.account.id)
    return {"account": account_view(account)}
