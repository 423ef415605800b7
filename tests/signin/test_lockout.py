"""The attempt lockout with an injected clock: threshold, growing back-off, window, reset on
success, and the account-wide lock that spares browsers the owner used before."""

from __future__ import annotations

from datetime import timedelta

import httpx

from monban.accounts.model import Account
from monban.clock import FrozenClock
from tests.conftest import PASSWORD, ClientFactory, Updater, error_code, sign_in


async def fail(client: httpx.AsyncClient, account: Account, times: int) -> list[str]:
    return [error_code(await sign_in(client, account.email or "", "wrong password"))
            for _ in range(times)]


async def test_back_off_grows_and_success_resets(member: Account, client: httpx.AsyncClient,
                                                 clock: FrozenClock) -> None:
    assert set(await fail(client, member, 8)) == {"INVALID_CREDENTIALS"}
    first = await sign_in(client, member.email or "")
    assert error_code(first) == "SIGNIN_ATTEMPTS_EXCEEDED"
    clock.advance(timedelta(minutes=5, seconds=1))  # first lock: 5 minutes
    assert set(await fail(client, member, 8)) == {"INVALID_CREDENTIALS"}
    clock.advance(timedelta(minutes=9))  # second lock: 10 minutes
    assert error_code(await sign_in(client, member.email or "")) == "SIGNIN_ATTEMPTS_EXCEEDED"
    clock.advance(timedelta(minutes=1, seconds=1))
    assert (await sign_in(client, member.email or "")).status_code == 200  # success resets
    assert set(await fail(client, member, 7)) == {"INVALID_CREDENTIALS"}
    assert (await sign_in(client, member.email or "")).status_code == 200
    clock.advance(timedelta(days=2))
    assert set(await fail(client, member, 8)) == {"INVALID_CREDENTIALS"}
    clock.advance(timedelta(minutes=5, seconds=1))  # back to the first lock's length
    assert (await sign_in(client, member.email or "")).status_code == 200


async def test_old_failures_fall_out_of_the_window(member: Account, client: httpx.AsyncClient,
                                                   clock: FrozenClock) -> None:
    await fail(client, member, 7)
    clock.advance(timedelta(minutes=61))
    assert set(await fail(client, member, 7)) == {"INVALID_CREDENTIALS"}


async def test_lock_holds_one_source_only(member: Account, client_for: ClientFactory) -> None:
    attacker = client_for(ip="203.0.113.66")
    await fail(attacker, member, 8)
    assert error_code(await sign_in(attacker, member.email or "")) == "SIGNIN_ATTEMPTS_EXCEEDED"
    assert (await sign_in(client_for(ip="198.51.100.20"), member.email or "")).status_code == 200


async def test_org_tunes_threshold(member: Account, set_org: Updater,
                                   client: httpx.AsyncClient) -> None:
    await set_org(lockout_threshold=3)
    assert set(await fail(client, member, 3)) == {"INVALID_CREDENTIALS"}
    assert error_code(await sign_in(client, member.email or "")) == "SIGNIN_ATTEMPTS_EXCEEDED"


async def test_account_lock_spares_the_owners_known_browser(
        member: Account, set_org: Updater, client_for: ClientFactory) -> None:
    await set_org(account_lockout_threshold=10, lockout_threshold=8)
    owner = client_for(ip="198.51.100.1")
    assert (await sign_in(owner, member.email or "")).status_code == 200  # browser now known
    for n in range(10):  # an attacker spreads guesses over many addresses
        await fail(client_for(ip=f"203.0.113.{n + 1}"), member, 1)
    stranger = client_for(ip="203.0.113.200")
    locked = await sign_in(stranger, member.email or "")
    assert error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"
    assert locked.json()["error"]["detail"]["scope"] == "account"
    # The owner, on the browser they used before (same device cookie), still gets in.
    assert (await sign_in(owner, member.email or "", PASSWORD)).status_code == 200


async def test_unknown_accounts_are_throttled_like_known_ones(
        runtime: object, org: object, set_org: Updater, client: httpx.AsyncClient) -> None:
    from monban.runtime import Runtime

    assert isinstance(runtime, Runtime)
    await runtime.directory.add_domain(org, "acme.example")  # type: ignore[arg-type]
    await set_org(hide_account_existence=True)
    codes = [error_code(await sign_in(client, "ghost@acme.example", "x" * 9))
             for _ in range(9)]
    assert codes == ["INVALID_CREDENTIALS"] * 8 + ["SIGNIN_ATTEMPTS_EXCEEDED"]
