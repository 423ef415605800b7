"""The provider's pages: the authorization endpoint (sign-in hand-off, consent, the
DISALLOWED_USERAGENT refusal) and RP-initiated logout. The decisions are oidc/provider.py's;
this module turns them into redirects and pages."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.edge.request_facts import request_info
from monban.errors import CatalogueError
from monban.oidc.authorization import PageRefusal, RedirectRefusal
from monban.oidc.provider import ConsentNeeded, Redirect, SignInNeeded, WebViewRefused
from monban.web.errors_page import error_page
from monban.web.forms import read_form
from monban.web.help.troubleshoot import remember_error
from monban.web.page_route import PageRoute
from monban.web.render import CSP, redirect, render
from monban.web.visitor import visitor

router = APIRouter(route_class=PageRoute, include_in_schema=False)

AUTHORIZE = "/oauth/authorize"
FORM = "application/x-www-form-urlencoded"
MAX_QUERY = 8192
SCOPE_LABELS = {
    "openid": "Know who you are (your account ID)",
    "profile": "See your name, language and time zone",
    "email": "See your email address",
    "phone": "See your mobile number",
    "offline_access": "Stay connected when you are not using it",
}


def issuer_of(request: Request) -> str:
    """MONBAN_BASE_URL, else this request's scheme and host (no path: Monban is served at
    the root)."""
    configured = runtime_of(request).settings.base_url
    if configured:
        return configured.rstrip("/")
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}"


def single_params(raw: str) -> dict[str, str]:
    """Query or form parameters; a repeated parameter is an error (RFC 6749 §3.1)."""
    if len(raw) > MAX_QUERY:
        raise CatalogueError("REQUEST_TOO_LARGE")
    params: dict[str, str] = {}
    for name, value in parse_qsl(raw, keep_blank_values=True):
        if name in params:
            raise CatalogueError("INVALID_REQUEST", detail={"field": name})
        params[name] = value
    return params


def to_client(location: str, request: Request | None = None, client_name: str = "") -> Response:
    """The answer to the client. At the end of a chain of redirects that started with one of
    Monban's own forms (sign-in, second step), a 303 to another origin would be blocked by
    those pages' CSP `form-action 'self'`; there (Sec-Fetch-Site: same-origin) the browser
    is sent on by a page that refreshes to the client instead."""
    if request is not None and request.headers.get("sec-fetch-site") == "same-origin" \
            and urlsplit(location).netloc != request.url.netloc:
        return render(request, "oidc_continue.html", location=location,
                      client_name=client_name or "the app")
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


@router.get(AUTHORIZE)
async def authorize(request: Request) -> Response:
    params = single_params(request.url.query)
    fresh_after = None
    if "resume" in params:
        params, fresh_after = await runtime_of(request).oidc.resume(params["resume"],
                                                                    request_info(request))
    return await _decide(request, params, fresh_after)


@router.post(AUTHORIZE)
async def authorize_posted(request: Request) -> Response:
    """The same authorization request sent as a form post (OpenID Connect Core §3.1.2.1).

    It arrives from the relying party's page, a cross-site top-level POST: no CSRF token can
    be asked of it (the sender is not Monban's page), and it carries no session cookie
    (SameSite=Lax), so it cannot be decided here. It is answered with a 303 to the same
    request as a GET, a top-level navigation that carries the cookie, where it is handled
    exactly as a GET request (same checks, same errors). Nothing changes before the person
    acts on Monban's own pages, whose forms (sign-in, consent) keep their CSRF check."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        raise CatalogueError("INVALID_REQUEST", detail={"field": "content-type"})
    try:
        body = (await request.body()).decode()
    except UnicodeDecodeError as exc:
        raise CatalogueError("INVALID_REQUEST") from exc
    params = single_params(body)
    params.pop("resume", None)  # Monban's own parameter, never a relying party's
    return redirect(f"{AUTHORIZE}?{urlencode(params)}")


async def _decide(request: Request, params: dict[str, str], fresh_after: object) -> Response:
    runtime = runtime_of(request)
    provider = runtime.oidc
    issuer = issuer_of(request)
    auth = await visitor(request)
    user_agent = request.headers.get("user-agent", "")
    try:
        outcome = await provider.authorize(params, auth, user_agent, issuer,
                                           fresh_after)  # type: ignore[arg-type]
    except PageRefusal as refusal:
        return error_page(request, refusal.error)
    except RedirectRefusal as refusal:
        return to_client(refusal.location(issuer), request, refusal.request.client.name)
    if isinstance(outcome, Redirect):
        return to_client(outcome.location, request, outcome.client_name)
    if isinstance(outcome, WebViewRefused):
        if "none" in params.get("prompt", "").split():  # no page may be shown: tell the app
            return to_client(outcome.back)
        return webview_page(request, outcome)
    if isinstance(outcome, ConsentNeeded):
        return consent_page(request, outcome, params)
    return await _to_signin(request, outcome, params)


async def _to_signin(request: Request, needed: SignInNeeded, params: dict[str, str]
                     ) -> Response:
    runtime = runtime_of(request)
    kept = dict(params)
    prompt = [p for p in kept.get("prompt", "").split() if p != "login"]
    if prompt:
        kept["prompt"] = " ".join(prompt)
    else:
        kept.pop("prompt", None)
    fresh_after = runtime.clock.now() if needed.fresh else None
    parked = await runtime.oidc.park(kept, fresh_after, request_info(request))
    query = {"next": f"{AUTHORIZE}?{urlencode({'resume': parked})}"}
    if needed.request.login_hint:
        query["login_hint"] = needed.request.login_hint
    return redirect("/signin?" + urlencode(query))


def webview_page(request: Request, refused: WebViewRefused) -> Response:
    error = CatalogueError("DISALLOWED_USERAGENT")
    response = render(request, "oidc_webview.html", status=403, error=error,
                      client_name=refused.client.name, back=refused.back)
    remember_error(response, request, error.code)
    _allow_navigation_to(response, refused.back)
    return response


def consent_page(request: Request, needed: ConsentNeeded, params: dict[str, str]) -> Response:
    """Names the signed-in person and speaks their account's language (over
    Accept-Language), like every page rendered for an account."""
    response = render(request, "oidc_consent.html", auth=needed.auth,
                      client=needed.request.client,
                      scopes=sorted(needed.request.scopes, key=_scope_order),
                      scope_labels=SCOPE_LABELS,
                      request_query=urlencode(params))
    _allow_navigation_to(response, needed.request.redirect_uri)
    return response


def _scope_order(scope: str) -> int:
    order = ("openid", "profile", "email", "phone", "offline_access")
    return order.index(scope) if scope in order else len(order)


def _allow_navigation_to(response: Response, uri: str) -> None:
    """The consent (or logout) form's answer redirects to the client: CSP form-action must
    allow it."""
    parts = urlsplit(uri)
    if parts.scheme in ("http", "https"):
        origin = f"{parts.scheme}://{parts.netloc}"
        response.headers["Content-Security-Policy"] = CSP.format(script="'none'").replace(
            "form-action 'self'", f"form-action 'self' {origin}")


@router.post(AUTHORIZE + "/consent")
async def consent(request: Request) -> Response:
    form = await read_form(request)
    params = single_params(form.text("request", MAX_QUERY))
    auth = await visitor(request)
    if auth is None:
        raise CatalogueError("SESSION_EXPIRED")
    issuer = issuer_of(request)
    try:
        decided = await runtime_of(request).oidc.decide_consent(
            params, auth, issuer, approve=form.text("decision", 10) == "allow")
    except PageRefusal as refusal:
        return error_page(request, refusal.error)
    except RedirectRefusal as refusal:
        return to_client(refusal.location(issuer))
    return to_client(decided.location)


@router.get("/oauth/logout")
async def logout(request: Request) -> Response:
    """RP-initiated logout 1.0: ends this browser's session at once only when a valid
    id_token_hint names its person; otherwise (no hint, an invalid one, another person's) the
    person is asked first (§2), and nothing ends until they confirm. The browser returns
    only to a post_logout_redirect_uri registered for the client the hint or client_id
    identifies."""
    runtime = runtime_of(request)
    params = single_params(request.url.query)
    target = await runtime.oidc.logout_target(params, issuer_of(request))
    auth = await visitor(request)
    if auth is not None and (target.subject is None or target.subject != auth.account.id):
        page = render(request, "oidc_logout.html", auth=auth,
                      location=params.get("post_logout_redirect_uri", "") if target.location
                      else "", state=params.get("state", "") if target.location else "",
                      client_id=target.client_id or "")
        if target.location:
            _allow_navigation_to(page, target.location)
        return page
    response = to_client(target.location) if target.location \
        else redirect("/signin?notice=signed_out")
    if auth is not None:
        await runtime.sessions.end(auth.account, auth.session.id, auth.account,
                                   str(request_info(request).ip))
        cookies.clear_session(response, runtime, request)
    return response


@router.post("/oauth/logout")
async def logout_confirmed(request: Request) -> Response:
    form = await read_form(request)
    runtime = runtime_of(request)
    auth = await visitor(request)
    if auth is not None:
        await runtime.sessions.end(auth.account, auth.session.id, auth.account,
                                   str(request_info(request).ip))
    location = form.text("location", 2000)
    response: Response = redirect("/signin?notice=signed_out")
    if location:
        target = await runtime.oidc.logout_target(
            {"post_logout_redirect_uri": location, "client_id": form.text("client_id", 64),
             "state": form.text("state", 1024)},
            issuer_of(request))
        if target.location:
            response = to_client(target.location)
    cookies.clear_session(response, runtime, request)
    return response
