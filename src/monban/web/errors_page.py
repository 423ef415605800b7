"""The HTML rendering of a catalogue error: a full page with the message, its help topic and
"Problem signing in?"."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from monban.errors import CatalogueError
from monban.web.render import render
from monban.web.visitor import known_visitor


def error_page(request: Request, error: CatalogueError) -> Response:
    from monban.web.help.troubleshoot import remember_error

    response = render(request, "error.html", auth=known_visitor(request), status=error.status,
                      error=error)
    remember_error(response, request, error.code)
    return response
