"""RequestInfo from a Starlette request: client IP (X-Forwarded-For only from trusted
proxies), user agent, device id (from the signed cookie, minted if absent), language, and the
flow binder presented (header, else cookie, else minted: `flow_binder`)."""

from __future__ import annotations

from starlette.requests import Request

from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.signing import sign, unsign
from monban.i18n.negotiate import SUPPORTED, from_accept_language
from monban.network.client_ip import TrustedProxies
from monban.signin.request_info import RequestInfo
from monban.store.ids import new_token

DEVICE_PURPOSE = "device"


def request_info(request: Request) -> RequestInfo:
    cached = request.scope.get("monban.request_info")
    if isinstance(cached, RequestInfo):
        return cached
    runtime = runtime_of(request)
    proxies: TrustedProxies = request.app.state.trusted_proxies
    peer = request.client.host if request.client else None
    ip = proxies.client_ip(peer, request.headers.get("x-forwarded-for"))
    device_id = unsign(runtime.secret_key, DEVICE_PURPOSE, cookies.read(request, cookies.DEVICE))
    if device_id is None:
        device_id = new_token()
        request.scope["monban.new_device"] = sign(runtime.secret_key, DEVICE_PURPOSE, device_id)
    base = runtime.settings.base_url.rstrip("/") or str(request.base_url).rstrip("/")
    info = RequestInfo(ip=ip, user_agent=request.headers.get("user-agent", "")[:512],
                       device_id=device_id, language=requested_language(request),
                       origin=base, flow_binder=flow_binder(request))
    request.scope["monban.request_info"] = info
    return info


def requested_language(request: Request) -> str | None:
    chosen = request.query_params.get("lang") or cookies.read(request, cookies.LANGUAGE)
    if chosen in SUPPORTED:
        return chosen
    return from_accept_language(request.headers.get("accept-language"))


BINDER_LENGTHS = range(32, 129)
"""A presented binder of another length is ignored (a short one could be guessed)."""


def flow_binder(request: Request) -> str:
    """The one place the flow binder is read: `X-Flow-Token`, else the `monban_flow` cookie;
    with neither, a new one, set as the cookie on this answer (edge/minted_cookies.py) and
    returned as `flow_token` when the answer starts a flow."""
    for presented in (request.headers.get(cookies.FLOW_TOKEN_HEADER),
                      cookies.read(request, cookies.FLOW_BINDER)):
        if presented and len(presented) in BINDER_LENGTHS and presented.isascii() \
                and presented.isprintable():
            return presented
    minted = request.scope.get("monban.new_flow_binder")
    if not isinstance(minted, str):
        minted = request.scope["monban.new_flow_binder"] = new_token()
    return minted
