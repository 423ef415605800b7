"""Property-based: every JSON API operation, fed what its OpenAPI schema allows (and what it
does not), answers with a status below 500 and a catalogue-shaped error body."""

from __future__ import annotations

import asyncio
import tempfile
from ipaddress import ip_address
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from monban.app import create_app
from monban.config import Settings
from monban.errors import CATALOGUE
from monban.runtime import build_runtime
from monban.signin.request_info import RequestInfo


def _app() -> tuple[Any, str]:
    data = Path(tempfile.mkdtemp(prefix="monban-fuzz-"))
    runtime = build_runtime(Settings(data_dir=data, argon2_memory_kib=1024, argon2_time_cost=1,
                                       allowed_hosts=["testserver", "localhost"]))

    async def seed() -> str:
        await runtime.directory.create_org("Fuzz", "fuzz")
        root = await runtime.directory.create_account(
            display_name="Root", email="root@fuzz.example", password="fuzz password 1",
            superadmin=True)
        info = RequestInfo(ip=ip_address("127.0.0.1"), user_agent="fuzz", flow_binder="b" * 43)
        flow = await runtime.signin.start(root.email or "", info)
        return (await runtime.signin.submit_password(flow.id, "fuzz password 1", info)).token

    token = asyncio.run(seed())
    return create_app(runtime=runtime), token


APP, TOKEN = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.exclude(path_regex="signout").parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: Any) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if response.status_code >= 400:
        body = response.json()
        assert body["error"]["code"] in CATALOGUE
        assert body["error"]["message"] and body["error"]["help"]
