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
