"""The HTML rendering of a catalogue error."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from monban.edge.error_json import error_response
from monban.errors import SignInError


def error_page(request: Request, error: SignInError) -> Response:
    return error_response(request, error)
