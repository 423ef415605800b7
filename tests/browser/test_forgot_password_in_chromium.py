"""Forgot password in Debian's Chromium against a real server that mails through a real SMTP
server (aiosmtpd on loopback): from the sign-in page, through the wrong password's help topic,
to a signed-in session, with the code read from the mail that arrived."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from monban.accounts.model import Role
from monban.config import Settings
from monban.runtime import build_runtime
from monban.store import recovery_contacts
from monban.store.ids import new_id
from tests.factors.sms_provider import MailServer
from tests.recovery.conftest import last_code_to, mails_to

from .conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, _free_port, _wait_until_up, run_async

pytestmark = pytest.mark.browser

IDENTIFIER = "forgetful@acme.example"
RECOVERY = "forgetful.home@example.net"
NEW_PASSWORD = "a brand new passphrase"


@dataclass(frozen=True)
class MailingServer:
    base: str
    mail: MailServer


async def _seed(settings: Settings) -> None:
    runtime = build_runtime(settings)
    try:
        org = await runtime.directory.create_org("Acme", "acme")
        account = await runtime.directory.create_account(
            display_name="Forgetful", email=IDENTIFIER, password=PASSWORD, org=org,
            role=Role.MEMBER, language="en")
        now = runtime.clock.now()
        contact = recovery_contacts.RecoveryContact(
            id=new_id(), account_id=account.id, channel="email", target=RECOVERY,
            verified_at=None, created_at=now)
        await runtime.db.run(recovery_contacts.add, contact)
        await runtime.db.run(recovery_contacts.mark_verified, account.id, contact.id, now)
    finally:
        runtime.close()


@pytest.fixture(scope="module")
def mailing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailingServer]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    data_dir = tmp_path_factory.mktemp("monban-recovery")
    run_async(_seed(Settings(data_dir=data_dir, argon2_memory_kib=1024, argon2_time_cost=1)))
    with MailServer.running() as mail:
        port = _free_port()
        env = {**os.environ, "MONBAN_DATA_DIR": str(data_dir),
               "MONBAN_ARGON2_MEMORY_KIB": "1024", "MONBAN_ARGON2_TIME_COST": "1",
               "MONBAN_SMTP_HOST": "127.0.0.1", "MONBAN_SMTP_PORT": str(mail.port),
               "MONBAN_SMTP_STARTTLS": "false", "MONBAN_SMTP_FROM": "no-reply@monban.example"}
        log = (data_dir / "server.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "monban.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
            yield MailingServer(f"http://localhost:{port}", mail)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            log.close()


def _wait_for_code(mail: MailServer, seen: int) -> str:
    deadline = time.monotonic() + 10
    while len(mails_to(mail, RECOVERY)) <= seen and time.monotonic() < deadline:
        time.sleep(0.05)
    return last_code_to(mail, RECOVERY)


def test_forgot_password_from_the_sign_in_page_to_a_session(
        mailing_server: MailingServer, playwright: Any) -> None:
    base, mail = mailing_server.base, mailing_server.mail
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        page = browser.new_context(locale="en-US").new_page()
        page.goto(f"{base}/signin")
        page.fill("#identifier", IDENTIFIER)
        page.click("button[type=submit].primary")
        page.fill("#password", "what was it again")
        page.click("button[type=submit].primary")
        assert page.locator(".alert-message").inner_text() == "Incorrect password."

        page.click("a.help-link")  # "How to fix this"
        page.wait_for_url(f"{base}/help/errors/INVALID_CREDENTIALS")
        page.click("a.action[href='/recover']")
        page.wait_for_url(f"{base}/recover")
        page.fill("#identifier", IDENTIFIER)
        page.click("button[type=submit].primary")
        page.wait_for_selector("[data-state=r_choose]")
        assert "f•••@example.net" in page.locator("main").inner_text()
        seen = len(mails_to(mail, RECOVERY))
        page.click("button[type=submit].primary")  # Send code
        page.wait_for_selector("[data-state=r_code]")
        code = _wait_for_code(mail, seen)
        assert mails_to(mail, RECOVERY)[-1]["Subject"] == "[Monban] Reset your password"

        page.fill("#code", code)
        page.click("button[type=submit].primary")
        page.wait_for_selector("[data-state=r_new_password]")
        page.fill("#password", NEW_PASSWORD)
        page.fill("#confirm", NEW_PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{base}/account/security?notice=password_changed")
        assert "Your password has been changed." in page.locator("main").inner_text()
        assert any(c["name"] == "monban_session" for c in page.context.cookies())
        page.screenshot(path="/tmp/recovered.png", full_page=True)
    finally:
        browser.close()
