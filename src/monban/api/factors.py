"""/api/v1/me/factors and /api/v1/me/trusted-browsers: a person's second factors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from monban.api.auth import current_session
from monban.api.models import FactorConfirm, FactorEnroll
from monban.api.views import enrollment_view, factor_view, trusted_browser_view
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.factors.base import FactorContext
from monban.sessions.service import Authenticated

router = APIRouter(prefix="/api/v1/me", tags=["my second factors"])



def _ctx(request: Request, auth: Authenticated) -> FactorContext:
    info = request_info(request)
    return FactorContext(account=auth.account, settings=auth.settings, request=info,
                         now=runtime_of(request).clock.now(), origin=info.origin)


@router.get("/factors")
async def my_factors(request: Request, auth: Authenticated = Depends(current_session)) -> Any:
    runtime = runtime_of(request)
    records = await runtime.factors.enrolled(auth.account.id)
    allowed = [k for k in runtime.factors.registry if k in auth.settings.allowed_factors]
    return {"factors": [factor_view(r) for r in records], "enrollable": allowed}


@router.post("/factors/{kind}", status_code=201)
async def enroll(kind: str, body: FactorEnroll, request: Request,
                 auth: Authenticated = Depends(current_session)) -> Any:
    """Start adding a factor. Backup codes are made at once (shown only in this answer)."""
    enrollment = await runtime_of(request).factors.enroll(_ctx(request, auth), kind, body.name,
                                                        body.params)
    return {"enrollment": enrollment_view(enrollment)}


@router.post("/factors/{kind}/{enrollment_id}/confirm", status_code=201)
async def confirm(kind: str, enrollment_id: str, body: FactorConfirm, request: Request,
                  auth: Authenticated = Depends(current_session)) -> Any:
    record = await runtime_of(request).factors.confirm(_ctx(request, auth), kind, enrollment_id,
                                                     body.response)
    return {"factor": factor_view(record)}


@router.delete("/factors/{factor_id}")
async def remove(factor_id: str, request: Request,
                 auth: Authenticated = Depends(current_session)) -> Any:
    await runtime_of(request).factors.remove(_ctx(request, auth), factor_id)
    return {"removed": True}


@router.put("/factors/{factor_id}/preferred")
async def prefer(factor_id: str, request: Request,
                 auth: Authenticated = Depends(current_session)) -> Any:
    await runtime_of(request).factors.prefer(_ctx(request, auth), factor_id)
    return {"preferred": factor_id}


@router.get("/trusted-browsers")
async def my_trusted_browsers(request: Request,
                              auth: Authenticated = Depends(current_session)) -> Any:
    browsers = await runtime_of(request).factors.trusted_browsers(_ctx(request, auth))
    return {"trusted_browsers": [trusted_browser_view(b) for b in browsers]}


@router.delete("/trusted-browsers/{browser_id}")
async def untrust(browser_id: str, request: Request,
                  auth: Authenticated = Depends(current_session)) -> Any:
    await runtime_of(request).factors.untrust(_ctx(request, auth), browser_id)
    return {"removed": True}
