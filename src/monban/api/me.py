"""/api/v1/me: a person's own account, sessions and allowed IPs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from monban.api.auth import current_session
from monban.api.models import ChangePassword, NewIpRule, UpdateProfile
from monban.api.views import account_view, rule_view, session_view
from monban.edge import csrf
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated

router = APIRouter(prefix="/api/v1/me", tags=["my account"])



@router.get("")
async def me(auth: Authenticated = Depends(current_session)) -> Any:
    return {"account": account_view(auth.account),
            "session": session_view(auth.session, auth.session.id)}


@router.get("/csrf-token")
async def csrf_token(request: Request, auth: Authenticated = Depends(current_session)) -> Any:
    """The X-CSRF-Token to send with unsafe calls authenticated by the session cookie; bound
    to this session (a new one after every sign-in)."""
    return {"csrf_token": csrf.token_for(request)}


@router.patch("")
async def update_me(body: UpdateProfile, request: Request,
                    auth: Authenticated = Depends(current_session)) -> Any:
    changes = body.model_dump(exclude_none=True)
    updated = await runtime_of(request).directory.update_account(
        auth.account, actor_id=auth.account.id, **changes)
    return {"account": account_view(updated)}


@router.put("/password")
async def change_password(body: ChangePassword, request: Request,
                          auth: Authenticated = Depends(current_session)) -> Any:
    """Change the password; other sessions are ended, this one stays."""
    runtime = runtime_of(request)
    await runtime.signin.reauthenticate(auth.account, auth.settings, body.current_password,
                                        request_info(request))
    await runtime.directory.set_password(auth.account, body.new_password,
                                         actor_id=auth.account.id)
    await runtime.sessions.end_others(auth.account, auth.session.id, auth.account,
                                      str(request_info(request).ip))
    return {"changed": True}


@router.get("/sessions")
async def my_sessions(request: Request, auth: Authenticated = Depends(current_session)) -> Any:
    live = await runtime_of(request).sessions.list_live(auth.account, auth.settings)
    return {"sessions": [session_view(s, auth.session.id) for s in live]}


@router.delete("/sessions/{session_id}")
async def end_session(session_id: str, request: Request,
                      auth: Authenticated = Depends(current_session)) -> Any:
    ended = await runtime_of(request).sessions.end(auth.account, session_id, auth.account,
                                                 str(request_info(request).ip))
    if not ended:
        raise CatalogueError("NOT_FOUND")
    return {"ended": True}


@router.post("/sessions/end-others")
async def end_other_sessions(request: Request,
                             auth: Authenticated = Depends(current_session)) -> Any:
    count = await runtime_of(request).sessions.end_others(
        auth.account, auth.session.id, auth.account, str(request_info(request).ip))
    return {"ended": count}


@router.get("/allowed-ips")
async def my_rules(request: Request, auth: Authenticated = Depends(current_session)) -> Any:
    rules = await runtime_of(request).directory.ip_rules("account", auth.account.id)
    return {"allowed_ips": [rule_view(r) for r in rules],
            "your_ip": str(request_info(request).ip)}


@router.post("/allowed-ips", status_code=201)
async def add_my_rule(body: NewIpRule, request: Request,
                      auth: Authenticated = Depends(current_session)) -> Any:
    """Add an address or range; `"cidr": "current"` adds the caller's own address."""
    cidr = str(request_info(request).ip) if body.cidr == "current" else body.cidr
    rule = await runtime_of(request).directory.add_ip_rule(
        "account", auth.account.id, cidr, body.name, actor_id=auth.account.id)
    return {"allowed_ip": rule_view(rule)}


@router.delete("/allowed-ips/{rule_id}")
async def remove_my_rule(rule_id: str, request: Request,
                         auth: Authenticated = Depends(current_session)) -> Any:
    await runtime_of(request).directory.remove_ip_rule("account", auth.account.id, rule_id,
                                                     actor_id=auth.account.id)
    return {"removed": True}
