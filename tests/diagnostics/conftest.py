"""Fixtures for the diagnostics tests: a World to reproduce errors in, and `monban diagnose`
run as a command against the test runtime's data directory."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from typer.testing import CliRunner

from monban.accounts.model import Org
from monban.cli import app as cli_app
from monban.clock import FrozenClock
from monban.config import Settings
from monban.runtime import Runtime
from tests.conftest import ClientFactory

from .scenarios import World

Cli = Callable[..., Awaitable[str]]


@pytest.fixture
def world(runtime: Runtime, org: Org, client_for: ClientFactory, clock: FrozenClock) -> World:
    return World(runtime, org, client_for, clock)


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """cli("diagnose", "--account", ...): the command's output (exit code 0 expected, or
    `exit_code`). It runs in a thread, as it starts its own event loop."""
    for key, value in {"MONBAN_DATA_DIR": str(settings.data_dir),
                       "MONBAN_DEFAULT_LANGUAGE": "en", "MONBAN_ARGON2_MEMORY_KIB": "1024",
                       "MONBAN_ARGON2_TIME_COST": "1",
                       "MONBAN_AUTHENTICATOR_APP_NAME": "OneAuth"}.items():
        monkeypatch.setenv(key, value)

    async def run(*args: str, exit_code: int = 0) -> str:
        result = await asyncio.to_thread(CliRunner().invoke, cli_app, list(args))
        assert result.exit_code == exit_code, result.output
        return result.output

    return run
