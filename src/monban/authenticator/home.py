"""Where the app keeps its key and its state: $MONBAN_AUTHENTICATOR_HOME, else
~/.config/monban-authenticator. The directory is 0700; the private key (`device_key`, raw
Ed25519 seed, base64url) and `state.json` (server, device id, TOTP secrets) are 0600, like
any authenticator app's secrets on a phone."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from monban.devices.signature import b64, unb64

KEY_FILE = "device_key"
STATE_FILE = "state.json"


def home_dir() -> Path:
    configured = os.environ.get("MONBAN_AUTHENTICATOR_HOME")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "monban-authenticator"


def _write_private(path: Path, text: str) -> None:
    """Create or replace `path` readable by its owner only (never briefly wider)."""
    temp = path.with_suffix(path.suffix + ".new")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.chmod(temp, 0o600)
    os.replace(temp, path)


@dataclass
class Home:
    path: Path

    @classmethod
    def open(cls) -> Home:
        path = home_dir()
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)
        return cls(path)

    # The key ---------------------------------------------------------------------------
    def new_key(self) -> Ed25519PrivateKey:
        key = Ed25519PrivateKey.generate()
        _write_private(self.path / KEY_FILE, b64(key.private_bytes_raw()) + "\n")
        return key

    def key(self) -> Ed25519PrivateKey | None:
        file = self.path / KEY_FILE
        if not file.exists():
            return None
        return Ed25519PrivateKey.from_private_bytes(unb64(file.read_text().strip()))

    # The state -------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        file = self.path / STATE_FILE
        if not file.exists():
            return {}
        loaded: dict[str, Any] = json.loads(file.read_text())
        return loaded

    def save(self, state: dict[str, Any]) -> None:
        _write_private(self.path / STATE_FILE, json.dumps(state, indent=2, ensure_ascii=False))
