"""`monban diagnose`: each sign-in error that exists, reproduced through the API, then explained
by the command: the right code, the policy that decided, the values it used and the fix."""

from __future__ import annotations

import json
from typing import Any

import pytest

from monban.errors import CATALOGUE
from tests.conftest import error_code, sign_in

from .conftest import Cli
from .scenarios import HOME, OUTSIDE, SCENARIOS, World, start_now


def failure(data: dict[str, Any], code: str) -> dict[str, Any]:
    attempt = next(a for a in data["attempts"] if a["code"] == code and a["explanation"])
    return attempt


@pytest.mark.parametrize("name", sorted(SCENARIOS))
async def test_diagnose_names_code_policy_values_and_fix(name: str, world: World,
                                                         cli: Cli) -> None:
    start_now(world.clock)
    scenario = await SCENARIOS[name](world)
    text = await cli("diagnose", "--account", scenario.member.email or "")
    assert scenario.code in text and CATALOGUE[scenario.code].en in text
    assert f"Decided by: {scenario.policy}" in text
    for sentence in scenario.says:
        assert sentence in text, (sentence, text)
    assert f"✗ {scenario.policy}:" in text

    data = json.loads(await cli("diagnose", "--account", scenario.member.email or "",
                                "--json"))
    attempt = failure(data, scenario.code)
    explanation = attempt["explanation"]
    assert explanation["policy"] == scenario.policy
    decided = [s for s in explanation["steps"] if s["decided"]]
    assert [s["policy"] for s in decided] == [scenario.policy] and not decided[0]["passed"]
    assert explanation["help"] == f"/help/errors/{scenario.code}"
    assert explanation["who"]
    keys = [f["key"] for f in explanation["fixes"]]
    assert scenario.fix in keys, keys
    fix = next(f for f in explanation["fixes"] if f["key"] == scenario.fix)
    assert f"Fix: {fix['label']}" in text


async def test_japanese(world: World, cli: Cli) -> None:
    start_now(world.clock)
    scenario = await SCENARIOS["IP_NOT_ALLOWED"](world)
    text = await cli("diagnose", "--account", scenario.member.email or "", "--lang", "ja")
    assert "このIPアドレスからのサインインは許可されていません。" in text
    assert f"{OUTSIDE} は組織の許可リストに含まれていません: 'Tokyo office' 10.1.0.0/16。" in text
    assert "判定したポリシー: allowed_ips" in text and "解決できる人" in text


async def test_by_flow_and_by_event(world: World, cli: Cli) -> None:
    start_now(world.clock)
    scenario = await SCENARIOS["ACCOUNT_DISABLED"](world)
    data = json.loads(await cli("diagnose", "--account", scenario.member.email or "",
                                "--json"))
    attempt = failure(data, "ACCOUNT_DISABLED")
    by_flow = json.loads(await cli("diagnose", "--flow", attempt["flow_id"], "--json"))
    assert [a["id"] for a in by_flow["attempts"]] == [attempt["id"]]
    assert by_flow["account"]["label"] == scenario.member.email
    by_event = json.loads(await cli("diagnose", "--event", str(attempt["id"]), "--json"))
    assert by_event["attempts"][0]["explanation"]["policy"] == "account_enabled"


async def test_time_range(world: World, cli: Cli) -> None:
    start_now(world.clock)
    scenario = await SCENARIOS["INVALID_CREDENTIALS"](world)
    day = world.clock.now().date()
    inside = json.loads(await cli("diagnose", "--account", scenario.member.email or "",
                                  "--since", f"{day}T00:00:00", "--json"))
    assert inside["attempts"]
    after = json.loads(await cli("diagnose", "--account", scenario.member.email or "",
                                 "--since", f"{day.replace(year=day.year + 1)}T00:00:00",
                                 "--json"))
    assert after["attempts"] == []
    assert "(no sign-in attempts found)" in await cli(
        "diagnose", "--account", scenario.member.email or "", "--until", f"{day}T00:00:00")


async def test_apply_a_fix_from_the_command_line(world: World, cli: Cli) -> None:
    start_now(world.clock)
    scenario = await SCENARIOS["SIGNIN_ATTEMPTS_EXCEEDED"](world)
    data = json.loads(await cli("diagnose", "--account", scenario.member.email or "",
                                "--json"))
    attempt = failure(data, "SIGNIN_ATTEMPTS_EXCEEDED")
    command = next(f["command"] for f in attempt["explanation"]["fixes"]
                   if f["key"] == "clear_lockout")
    assert command == f"monban diagnose --event {attempt['id']} --apply clear_lockout"
    done = await cli(*command.split()[1:])
    assert done.startswith("applied clear_lockout:") and "Now: the lock has ended." in done
    assert (await sign_in(world.client_for(ip=HOME), scenario.member.email or "")
            ).status_code == 200
    # Taken once: it is no longer offered, so taking it again finds nothing to do.
    assert "NOT_FOUND" in await cli(*command.split()[1:], exit_code=2)


async def test_questions_without_an_answer(world: World, cli: Cli) -> None:
    await world.member("quiet@acme.example")
    assert "(no sign-in attempts found)" in await cli("diagnose", "--account",
                                                      "quiet@acme.example")
    assert "INVALID_REQUEST" in await cli("diagnose", exit_code=2)
    assert "NOT_FOUND" in await cli("diagnose", "--account", "ghost@acme.example",
                                    exit_code=2)
    wrong = await sign_in(world.client_for(), "ghost@elsewhere.example")
    assert error_code(wrong) == "ACCOUNT_NOT_FOUND"
