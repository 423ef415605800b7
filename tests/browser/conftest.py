"""A real Monban (uvicorn in a subprocess, SQLite in a temporary data dir seeded through the
Python API beforehand) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from monban.accounts.model import Role
from monban.config import Settings
from monban.runtime import build_runtime

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "correct horse battery"
T = TypeVar("T")

# One account per test, so that the tests do not see each other's sessions.
ACCOUNTS = {
    "signin": ("acme", "signin@acme.example", Role.MEMBER, "ja"),
    "keep": ("acme", "keep@acme.example", Role.MEMBER, "en"),
    "security": ("acme", "security@acme.example", Role.MEMBER, "en"),
    "help": ("acme", "help@acme.example", Role.MEMBER, "en"),
    "walled": ("walled", "taro@walled.example", Role.MEMBER, "ja"),
    "boss": ("beta", "boss@beta.example", Role.ADMIN, "en"),
    "key": ("acme", "key@acme.example", Role.MEMBER, "en"),
    "totp": ("acme", "totp@acme.example", Role.MEMBER, "ja"),
    "trust": ("acme", "trust@acme.example", Role.MEMBER, "en"),
    "codes": ("acme", "codes@acme.example", Role.MEMBER, "en"),
    "mail": ("acme", "mail@acme.example", Role.MEMBER, "ja"),
    "passwordless": ("acme", "passwordless@acme.example", Role.MEMBER, "en"),
}
MAIL_TOKEN = "browser-tests-mail-servers-token"  # noqa: S105


@dataclass(frozen=True)
class Server:
    base: str
    data_dir: Path
    settings: Settings


def _settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, argon2_memory_kib=1024, argon2_time_cost=1,
                    authenticator_app_name="OneAuth")


async def _seed(settings: Settings) -> None:
    runtime = build_runtime(settings)
    try:
        directory = runtime.directory
        orgs = {slug: await directory.create_org(slug.title(), slug)
                for slug in ("acme", "walled", "beta")}
        await directory.add_ip_rule("org", orgs["walled"].id, "10.0.0.0/8", "Office")
        for name, (slug, email, role, language) in ACCOUNTS.items():
            await directory.create_account(display_name=name.title(), email=email,
                                           password=PASSWORD, org=orgs[slug], role=role,
                                           language=language)
    finally:
        runtime.close()


def run_async(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync code, even where Playwright's loop is running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    data_dir = tmp_path_factory.mktemp("monban-data")
    settings = _settings(data_dir)
    run_async(_seed(settings))
    port = _free_port()
    env = {**os.environ, "MONBAN_DATA_DIR": str(data_dir), "MONBAN_ARGON2_MEMORY_KIB": "1024",
           "MONBAN_ARGON2_TIME_COST": "1", "MONBAN_AUTHENTICATOR_APP_NAME": "OneAuth",
           "MONBAN_MAIL_AUTH_TOKEN": MAIL_TOKEN}
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "monban.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://localhost:{port}"
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        yield Server(base, data_dir, settings)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited; see server.log in the data dir")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in time")


@pytest.fixture(scope="package")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def chromium(playwright: Any, server: Server) -> Iterator[Any]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page_for(chromium: Any) -> Iterator[Any]:
    """page_for(locale="en-US"): a page in a fresh browser context (its own cookies)."""
    contexts: list[Any] = []

    def make(locale: str = "en-US") -> Any:
        context = chromium.new_context(locale=locale)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def relaunch(playwright: Any, profile: Path, locale: str = "en-US") -> Any:
    """A persistent browser context on `profile`: closing and relaunching keeps its cookies,
    as quitting and reopening Chromium does."""
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, locale=locale)


def sign_in(page: Any, base: str, identifier: str, password: str = PASSWORD,
            keep: bool = False) -> None:
    page.goto(f"{base}/signin")
    page.fill("#identifier", identifier)
    if keep:
        page.check("input[name=keep_signed_in]")
    page.click("button[type=submit].primary")
    page.fill("#password", password)
    page.click("button[type=submit].primary")
