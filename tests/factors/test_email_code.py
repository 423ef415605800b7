"""Email codes as a second factor, mailed through a real SMTP server (aiosmtpd on loopback):
off unless the org allows "email", then the same life as SMS codes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.cli import app as cli_app
from monban.config import Settings
from monban.db.tables import factor_enrollments, otp_challenges
from monban.runtime import Runtime
from tests.conftest import Updater, error_code, sign_in, token_for
from tests.factors.sms_provider import CODE, MailServer, free_port


async def count(runtime: Runtime, table: Any) -> int:
    def go(conn: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    return await runtime.db.run(go, write=False)

WITH_EMAIL = [*OrgSettings().allowed_factors, "email"]


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer.running() as server:
        yield server


@pytest.fixture
def settings(settings: Settings, mail: MailServer, request: pytest.FixtureRequest) -> Settings:
    port = free_port() if getattr(request, "param", None) == "down" else mail.port
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port,
                                       "smtp_starttls": False,
                                       "smtp_from": "no-reply@monban.example"})


async def test_email_codes_are_off_unless_the_org_allows_them(
        member: Account, client: httpx.AsyncClient, mail: MailServer) -> None:
    headers = await token_for(client, member.email or "")
    answer = await client.post("/api/v1/me/factors/email", headers=headers,
                               json={"params": {"email": "hanako@acme.example"}})
    assert answer.status_code == 403 and error_code(answer) == "SIGNIN_METHOD_NOT_ALLOWED"
    assert mail.messages == []
    listed = (await client.get("/api/v1/me/factors", headers=headers)).json()
    assert "email" not in listed["enrollable"]


async def test_email_code_enrol_and_sign_in(member: Account, client: httpx.AsyncClient,
                                            mail: MailServer, set_org: Updater,
                                            runtime: Runtime) -> None:
    await set_org(allowed_factors=WITH_EMAIL)
    headers = await token_for(client, member.email or "")
    started = await client.post("/api/v1/me/factors/email", headers=headers,
                                json={"params": {"email": " Hanako@ACME.example "}})
    assert started.status_code == 201, started.text
    assert started.json()["enrollment"]["display"]["sent_to"] == "h•••@acme.example"
    message = mail.last()
    assert mail.envelopes[-1] == ("no-reply@monban.example", ["hanako@acme.example"])
    assert message["Subject"] == "[Monban] Your verification code"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert mail.last_code() not in message["Subject"]
    confirm = f"/api/v1/me/factors/email/{started.json()['enrollment']['id']}/confirm"
    done = await client.post(confirm, headers=headers,
                             json={"response": {"code": mail.last_code()}})
    assert done.status_code == 201, done.text

    await runtime.directory.update_account(member, language="ja")
    step = (await sign_in(client, member.email or "")).json()
    assert step["state"] == "mfa" and step["factors"][0]["kind"] == "email"
    flow = f"/api/v1/signin/flows/{step['flow']['id']}/mfa"
    factor_id = step["factors"][0]["id"]
    sent = await client.post(f"{flow}/challenge", json={"factor_id": factor_id})
    assert sent.json()["challenge"]["sent_to"] == "h•••@acme.example"
    message = mail.last()
    assert message["Subject"] == "[Monban] 確認コード"
    body = str(message.get_content())
    assert body.startswith("Hanako 様") and "10分間有効" in body
    result = await client.post(f"{flow}/verify",
                               json={"factor_id": factor_id,
                                     "response": {"code": mail.last_code()}})
    assert result.status_code == 200 and result.json()["state"] == "done", result.text

    await set_org(allowed_factors=OrgSettings().allowed_factors)  # withdrawn again
    assert (await sign_in(client, member.email or "")).json()["state"] == "done"


@pytest.mark.parametrize("settings", ["down"], indirect=True)
async def test_mail_server_down(member: Account, client: httpx.AsyncClient, set_org: Updater,
                                runtime: Runtime) -> None:
    await set_org(allowed_factors=WITH_EMAIL)
    headers = await token_for(client, member.email or "")
    answer = await client.post("/api/v1/me/factors/email", headers=headers,
                               json={"params": {"email": "hanako@acme.example"}})
    assert answer.status_code == 503 and error_code(answer) == "SERVICE_UNAVAILABLE"
    assert answer.json()["error"]["detail"] == {"channel": "email"}
    assert await count(runtime, otp_challenges) == 0
    assert await count(runtime, factor_enrollments) == 0


async def test_without_an_sms_provider_codes_land_in_the_outbox(
        member: Account, client: httpx.AsyncClient, runtime: Runtime, settings: Settings,
        mail: MailServer) -> None:
    """This module configures SMTP only: SMS codes are kept in the outbox for development,
    and `monban outbox` shows them."""
    headers = await token_for(client, member.email or "")
    started = await client.post("/api/v1/me/factors/sms", headers=headers,
                                json={"params": {"phone": "+819012345678"}})
    assert started.status_code == 201 and mail.messages == []
    kept = (await runtime.outbox.latest())[0]
    assert (kept.channel, kept.target) == ("sms", "+819012345678")
    code = CODE.search(kept.body)
    assert code is not None
    confirm = f"/api/v1/me/factors/sms/{started.json()['enrollment']['id']}/confirm"
    done = await client.post(confirm, headers=headers, json={"response": {"code": code[0]}})
    assert done.status_code == 201

    env = {"MONBAN_DATA_DIR": str(settings.data_dir)}
    result = await asyncio.to_thread(CliRunner().invoke, cli_app, ["outbox"], env=env)
    assert result.exit_code == 0, result.output
    assert "\tsms\t+819012345678\t-" in result.output and code[0] in result.output
