"""HMAC-signed cookie values: `value.signature`, so a client cannot forge a device id."""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, purpose: str, value: str) -> str:
    mac = hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return f"{value}.{base64.urlsafe_b64encode(mac[:18]).decode()}"


def unsign(secret: str, purpose: str, signed: str | None) -> str | None:
    if not signed or "." not in signed or len(signed) > 200:
        return None
    value = signed.rsplit(".", 1)[0]
    return value if hmac.compare_digest(sign(secret, purpose, value), signed) else None
