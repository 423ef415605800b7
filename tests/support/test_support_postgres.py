"""The same request on PostgreSQL (skipped unless MONBAN_TEST_POSTGRES_URL is set): row locks,
JSON checks, the guarded status moves; two agents approving at once give one approval and one
code. Messages go to the outbox here."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from monban.accounts.model import Account, Org, Role
from monban.db.tables import backup_codes
from monban.runtime import Runtime
from tests.conftest import PASSWORD, error_code
from tests.factors import pg_runtime  # noqa: F401 (a fixture)

from .conftest import CONTACT, file_request, passed_check, staff
from .test_support_api import mfa_with_backup_code


@pytest.fixture
def runtime(pg_runtime: Runtime) -> Runtime:  # noqa: F811 - this module runs on PostgreSQL
    return pg_runtime


async def outbox_code(runtime: Runtime, pattern: str) -> str:
    body = (await runtime.outbox.latest(1, target=CONTACT))[0].body
    found = re.search(pattern, body)
    assert found, body
    return found.group(1)


async def test_request_on_postgres_with_racing_approvals(
        client: httpx.AsyncClient, runtime: Runtime, org: Org, member: Account,
        agent: Account, with_app: str) -> None:
    other = await runtime.directory.create_account(
        display_name="Admin", email="admin2@acme.example", password=PASSWORD, org=org,
        role=Role.ADMIN, language="en")
    filed = await file_request(client, member.email or "")
    request_id = filed.json()["request"]["id"]
    proven = await client.post(f"/api/v1/support/requests/{request_id}/contact/verify",
                               json={"code": await outbox_code(runtime, r"\b(\d{6})\b")})
    assert proven.status_code == 200, proven.text
    headers = await staff(client, agent)
    await passed_check(client, headers, request_id)
    url = f"/api/v1/support/requests/{request_id}/approve"
    answers = await asyncio.gather(client.post(url, headers=headers),
                                   client.post(url, headers=await staff(client, other)))
    assert sorted(a.status_code for a in answers) == [200, 400]
    assert [error_code(a) for a in answers if a.status_code == 400] == ["INVALID_REQUEST"]

    def codes(conn: Any) -> int:
        return int(conn.execute(select(func.count()).select_from(backup_codes)).scalar_one())

    assert await runtime.db.run(codes, write=False) == 1
    code = await outbox_code(runtime, r"\b(\d{4}-\d{4}-\d{4})\b")
    assert (await mfa_with_backup_code(client, member, code)).status_code == 200
    again = await mfa_with_backup_code(client, member, code)
    assert error_code(again) == "BACKUP_CODE_INVALID"
    case = (await client.get(f"/api/v1/support/requests/{request_id}", headers=headers)).json()
    assert case["request"]["status"] == "done"
    assert case["request"]["checks"][0]["check"] == "last_signin_location"
    assert "support.code_used" in [e["event"] for e in case["trail"]]
