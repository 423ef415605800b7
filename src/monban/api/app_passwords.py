"""/api/v1/me/app-passwords: a person's app-specific passwords for mail clients."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from monban.api.auth import current_session
from monban.api.models import NewAppPassword
from monban.api.views import app_password_view
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated

router = APIRouter(prefix="/api/v1/me/app-passwords", tags=["mail clients"])



@router.get("")
async def list_app_passwords(request: Request,
                             auth: Authenticated = Depends(current_session)) -> Any:
    """Live app passwords (names and last use; never the passwords)."""
    found = await runtime_of(request).app_passwords.list(auth.account)
    return {"app_passwords": [app_password_view(p) for p in found]}


@router.post("", status_code=201)
async def create_app_password(body: NewAppPassword, request: Request,
                              auth: Authenticated = Depends(current_session)) -> Any:
    """A new app password for a mail client, after the account password is proved again.
    `password` is in this answer only: it is stored as a keyed hash and never shown again."""
    runtime = runtime_of(request)
    info = request_info(request)
    await runtime.signin.reauthenticate(auth.account, auth.settings, body.current_password,
                                        info)
    record, password = await runtime.app_passwords.create(
        auth.account, body.name, actor_id=auth.account.id, ip=str(info.ip))
    return {"app_password": app_password_view(record), "password": password}


@router.delete("/{password_id}")
async def revoke_app_password(password_id: str, request: Request,
                              auth: Authenticated = Depends(current_session)) -> Any:
    revoked = await runtime_of(request).app_passwords.revoke(
        auth.account, password_id, actor_id=auth.account.id, ip=str(request_info(request).ip))
    if not revoked:
        raise CatalogueError("NOT_FOUND")
    return {"revoked": True}
