"""How a command runs: build the runtime, run one piece of async work, print catalogue
errors plainly; and the small parsers the commands share."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import typer

from monban.config import Settings
from monban.errors import CatalogueError, message
from monban.runtime import Runtime, build_runtime

T = TypeVar("T")


def run(work: Callable[[Runtime], Awaitable[T]]) -> T:
    """Build the runtime, run one piece of async work, print catalogue errors plainly."""
    runtime = build_runtime(Settings())

    async def go() -> T:
        return await work(runtime)

    try:
        return asyncio.run(go())
    except CatalogueError as error:
        text = message(error.code, runtime.settings.default_language,
                       app=runtime.settings.authenticator_app_name)
        detail = f" {json.dumps(error.detail, ensure_ascii=False)}" if error.detail else ""
        typer.echo(f"error: {error.code}: {text}{detail}", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.close()


def password_from(given: str | None) -> str:
    if given:
        return given
    from_env = os.environ.get("MONBAN_NEW_PASSWORD")
    if from_env:
        return from_env
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


def parse_value(value: str) -> Any:
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        return int(value)
    except ValueError:
        return value


def utc(value: datetime | None) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


__all__ = ["T", "parse_value", "password_from", "run", "utc"]
