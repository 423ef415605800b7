"""Who is looking at a page: the live session behind the session cookie, if any."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request

from monban.edge import cookies
from monban.edge.app_runtime import runtime_of
from monban.sessions.service import Authenticated
from monban.web.render import current_path, page_language

_KEY = "monban.visitor"


class SignInNeeded(Exception):
    """Raised by pages that need a session; the page route answers with a redirect."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


async def visitor(request: Request) -> Authenticated | None:
    if _KEY in request.scope:
        cached: Authenticated | None = request.scope[_KEY]
        return cached
    token = cookies.read(request, cookies.SESSION)
    auth = await runtime_of(request).sessions.authenticate(token) if token else None
    request.scope[_KEY] = auth
    page_language(request, auth)
    return auth


async def signed_in(request: Request) -> Authenticated:
    """The visitor's session, or SignInNeeded pointing at /signin?next=<this page>. A cookie
    that no longer names a live session says so on the sign-in page."""
    auth = await visitor(request)
    if auth is not None:
        return auth
    target = current_path(request) if request.method == "GET" else "/account/security"
    query = {"next": target}
    if cookies.read(request, cookies.SESSION):
        query["expired"] = "1"
    raise SignInNeeded("/signin?" + urlencode(query))



def known_visitor(request: Request) -> Authenticated | None:
    """The visitor already looked up while handling this request (no database call)."""
    found = request.scope.get(_KEY)
    return found if isinstance(found, Authenticated) else None
