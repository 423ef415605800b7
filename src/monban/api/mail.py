"""Endpoints that mail servers call to ask whether a mail client's login is good.

- `POST /api/v1/mail/logins`: JSON, for Dovecot's checkpassword program (`monban mail
  checkpassword`) and anything else; answers the account or a catalogue error.
- `GET /api/v1/mail/nginx-auth`: nginx's mail proxy `auth_http` protocol (Auth-User,
  Auth-Pass, Auth-Protocol, Client-IP in; Auth-Status, Auth-Server, Auth-Port out).

Both need the mail servers' shared secret (MONBAN_MAIL_AUTH_TOKEN) in `Authorization: Bearer`
or `X-Monban-Mail-Token`: without it anyone could test passwords here; with it unset the
endpoints are off (NOT_FOUND)."""

from __future__ import annotations

import hmac
from ipaddress import ip_address
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response

from monban.api.models import MailLoginCheck
from monban.edge.app_runtime import runtime_of
from monban.errors import CatalogueError, message
from monban.mail.protocols import protocol_of
from monban.runtime import Runtime
from monban.signin.request_info import RequestInfo

router = APIRouter(prefix="/api/v1/mail", tags=["mail servers"])
TOKEN_HEADER = "x-monban-mail-token"  # noqa: S105 - a header name
RETRY_WAIT_SECONDS = "3"



def _check_caller(request: Request) -> Runtime:
    runtime = runtime_of(request)
    expected = runtime.settings.mail_auth_token
    if not expected:
        raise CatalogueError("NOT_FOUND")
    header = request.headers.get("authorization", "")
    given = header[7:].strip() if header[:7].lower() == "bearer " else request.headers.get(
        TOKEN_HEADER, "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise CatalogueError("PERMISSION_DENIED")
    return runtime


def _client(raw: str, protocol: str) -> RequestInfo:
    try:
        ip = ip_address(raw.strip())
    except ValueError:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "client_ip"}) from None
    return RequestInfo(ip=ip, user_agent=f"mail client ({protocol})")


@router.post("/logins")
async def check_mail_login(body: MailLoginCheck, request: Request) -> Any:
    """Is this mail login good? 200 with the account, or the catalogue error
    (APP_PASSWORD_REQUIRED, INVALID_CREDENTIALS, IP_NOT_ALLOWED, SIGNIN_ATTEMPTS_EXCEEDED,
    ACCOUNT_DISABLED, ...) in the account's language."""
    runtime = _check_caller(request)
    protocol = protocol_of(body.protocol)
    if protocol is None:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "protocol"})
    login = await runtime.mail_logins.check(body.username, body.password, protocol,
                                            _client(body.client_ip, protocol))
    account = login.account
    return {"ok": True, "method": login.method,
            "account": {"id": account.id, "email": account.email, "username": account.username,
                        "display_name": account.display_name}}


@router.get("/nginx-auth", include_in_schema=True)
async def nginx_auth(request: Request) -> Response:
    """nginx's mail proxy asks here (`auth_http`); the answer is in headers, per nginx's
    ngx_mail_auth_http_module. A refusal carries the catalogue code and English message
    (mail protocols are ASCII), which nginx relays to the mail client."""
    runtime = _check_caller(request)
    headers = request.headers
    protocol = protocol_of(headers.get("auth-protocol", ""))
    backend = {"imap": runtime.settings.mail_backend_imap,
               "pop3": runtime.settings.mail_backend_pop3,
               "smtp": runtime.settings.mail_backend_smtp}.get(protocol or "", "")
    if protocol is None or not backend or headers.get("auth-method", "plain") != "plain":
        return _refusal(CatalogueError("INVALID_REQUEST"), retry=False)
    try:
        client = _client(headers.get("client-ip", ""), protocol)
        await runtime.mail_logins.check(unquote(headers.get("auth-user", "")),
                                        unquote(headers.get("auth-pass", "")), protocol, client)
    except CatalogueError as error:
        return _refusal(error, retry=error.code in ("INVALID_CREDENTIALS",))
    host, _, port = backend.rpartition(":")
    return Response(status_code=200, headers={"Auth-Status": "OK", "Auth-Server": host,
                                              "Auth-Port": port})


def _refusal(error: CatalogueError, retry: bool) -> Response:
    text = message(error.code, "en", **error.params)
    headers = {"Auth-Status": f"{error.code}: {text}"}
    if retry:
        headers["Auth-Wait"] = RETRY_WAIT_SECONDS
    return Response(status_code=200, headers=headers)
