"""The CLI tests' environment: a fresh data directory and cheap Argon2, through MONBAN_*."""

from __future__ import annotations

from pathlib import Path

import pytest

FAST = {"MONBAN_ARGON2_MEMORY_KIB": "1024", "MONBAN_ARGON2_TIME_COST": "1"}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"MONBAN_DATA_DIR": str(tmp_path / "data"), "MONBAN_DEFAULT_LANGUAGE": "en",
              **FAST}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values
