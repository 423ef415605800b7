"""The route class of every HTML page: a catalogue error becomes the HTML error page (whatever
the Accept header says), and a page that needs a session redirects to the sign-in page."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from monban.errors import CatalogueError
from monban.web.errors_page import error_page
from monban.web.render import redirect
from monban.web.visitor import SignInNeeded


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except SignInNeeded as needed:
                return redirect(needed.target)
            except CatalogueError as error:
                return error_page(request, error)

        return handler
