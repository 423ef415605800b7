"""The `X-Flow-Token` header, declared in the OpenAPI schema on every route that starts or
continues a flow. The value is read in one place only, edge/request_facts.flow_binder (header,
else the `monban_flow` cookie); this dependency only documents it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header

DESCRIPTION = (
    "The flow's binder: the `flow_token` answered when the flow was started (or a value of "
    "32-128 printable ASCII characters the caller chose and sent with the start). Required "
    "on every later step unless the `monban_flow` cookie carries it; without it the step "
    "answers 410 FLOW_EXPIRED.")


def _declared(x_flow_token: Annotated[str | None, Header(description=DESCRIPTION)] = None
              ) -> None:
    del x_flow_token


FLOW_TOKEN: Any = Depends(_declared)
"""`dependencies=[FLOW_TOKEN]` on a route that starts or continues a flow."""
