"""How an authenticator device signs a request, for the app and the server alike.

The device holds an Ed25519 key pair; the server knows the public key. Every call carries

    X-Monban-Device: <device id>
    X-Monban-Timestamp: <unix seconds>
    X-Monban-Nonce: <16-64 URL-safe characters, fresh per request>
    X-Monban-Signature: base64url(Ed25519(private key, canonical string))
    X-Monban-Authenticator-Version: <app version, e.g. 0.1.0>

where the canonical string is, joined by "\\n":

    monban-device-v1, METHOD, path (with ?query), timestamp, nonce, hex(SHA-256(body))

The server refuses a timestamp outside its window and a nonce it has seen for that device
within the window, so a captured request cannot be sent again.
"""

from __future__ import annotations

import base64
import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SCHEME = "monban-device-v1"
DEVICE = "X-Monban-Device"
TIMESTAMP = "X-Monban-Timestamp"
NONCE = "X-Monban-Nonce"
SIGNATURE = "X-Monban-Signature"
VERSION = "X-Monban-Authenticator-Version"
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
VERSION_PATTERN = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join((SCHEME, method.upper(), path, timestamp, nonce,
                      hashlib.sha256(body).hexdigest())).encode()


def sign(key: Ed25519PrivateKey, method: str, path: str, timestamp: str, nonce: str,
         body: bytes) -> str:
    return b64(key.sign(canonical(method, path, timestamp, nonce, body)))


def public_key_text(key: Ed25519PrivateKey) -> str:
    return b64(key.public_key().public_bytes_raw())


def valid_public_key(text: str) -> bool:
    try:
        raw = unb64(text)
    except ValueError:
        return False
    return len(raw) == 32 and b64(raw) == text


def verify(public_key: str, signature: str, method: str, path: str, timestamp: str,
           nonce: str, body: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(public_key))
        key.verify(unb64(signature), canonical(method, path, timestamp, nonce, body))
    except (InvalidSignature, ValueError):
        return False
    return True


def version_tuple(version: str) -> tuple[int, ...]:
    """"1.2" -> (1, 2, 0, 0); anything malformed counts as the oldest version."""
    if not VERSION_PATTERN.match(version or ""):
        return (0, 0, 0, 0)
    parts = [int(p) for p in version.split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


def at_least(version: str, minimum: str) -> bool:
    return not minimum or version_tuple(version) >= version_tuple(minimum)
