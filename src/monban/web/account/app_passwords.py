"""/account/app-passwords: a person's app-specific passwords for mail clients. Making one asks
for the current password (a stolen session must not mint a lasting mail login); the new
password is shown on the answer to that POST only, never again."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.sessions.service import Authenticated
from monban.web.forms import read_form
from monban.web.page_route import PageRoute
from monban.web.render import redirect, render
from monban.web.visitor import signed_in

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE = "/account/app-passwords"


async def _page(request: Request, auth: Authenticated, *, error: CatalogueError | None = None,
                made: tuple[str, str] | None = None, name: str = "") -> Response:
    runtime = runtime_of(request)
    enrolled = await runtime.factors.enrolled(auth.account.id)
    return render(request, "app_passwords.html", auth=auth,
                  mfa_on=runtime.second_step.is_on(auth.account, auth.settings, enrolled),
                  status=error.status if error else (201 if made else 200), error=error,
                  app_passwords=await runtime.app_passwords.list(auth.account),
                  made=made, name=name)


@router.get(PAGE)
async def show(request: Request) -> Response:
    return await _page(request, await signed_in(request))


@router.post(PAGE)
async def create(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    runtime = runtime_of(request)
    info = request_info(request)
    name = form.text("name", 100)
    try:
        await runtime.signin.reauthenticate(auth.account, auth.settings,
                                            form.text("password", 1024), info)
        record, password = await runtime.app_passwords.create(
            auth.account, name, actor_id=auth.account.id, ip=str(info.ip))
    except CatalogueError as error:
        return await _page(request, auth, error=error, name=name)
    return await _page(request, auth, made=(record.name, password))


@router.post(f"{PAGE}/revoke")
async def revoke(request: Request) -> Response:
    form = await read_form(request)
    auth = await signed_in(request)
    revoked = await runtime_of(request).app_passwords.revoke(
        auth.account, form.text("app_password", 64), actor_id=auth.account.id,
        ip=str(request_info(request).ip))
    if not revoked:
        return await _page(request, auth, error=CatalogueError("NOT_FOUND"))
    return redirect(f"{PAGE}?notice=app_password_revoked")
