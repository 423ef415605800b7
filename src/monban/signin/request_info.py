"""What the flow knows about the request, without knowing HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from monban.network.client_ip import IPAddress


@dataclass(frozen=True, slots=True)
class RequestInfo:
    ip: IPAddress
    user_agent: str
    device_id: str | None = None
    """The browser's id from the signed device cookie (None for clients without cookies)."""
    language: str | None = None
    """The language negotiated from Accept-Language / the language cookie, if any."""
    origin: str = ""
    """scheme://host[:port] the client talks to (WebAuthn checks it)."""
    flow_binder: str | None = None
    """The secret binding flows to this client: the `X-Flow-Token` header, else the
    `monban_flow` cookie, else one minted for this answer (edge/request_facts.py). A flow
    started by this request is bound to it; a later step must present it again
    (signin/flow_access.py). None for callers that never continue a flow (mail, CLI)."""
