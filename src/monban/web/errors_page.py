"""The HTML rendering of a catalogue error: a full page with the message, its help topic and
"Problem signing in?"."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from monban.errors import SignInError
from monban.web.render import render


def error_page(request: Request, error: SignInError) -> Response:
    auth = request.scope.get("monban.visitor")
    return render(request, "error.html", auth=auth, status=error.status, error=error)
