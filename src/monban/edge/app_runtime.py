"""The one way an HTTP handler (api/, web/, edge/) reaches the running Monban: `runtime_of`."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from monban.runtime import Runtime


def runtime_of(request: HTTPConnection) -> Runtime:
    """The Runtime that create_app stored on the application."""
    runtime: Runtime = request.app.state.runtime
    return runtime
