"""The attempt guard (signin/lockout.attempt): reserved on entry, decided by how the block
exits. First each exit on the SQL counters, then every path that checks a secret: an
exception from outside the catalogue (a bug, a database that went away) releases the attempt
at once instead of leaving it reserved for PENDING_TTL (30 s) where it blocks the next try."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account
from monban.accounts.org_settings import DEFAULT_SETTINGS
from monban.clock import FrozenClock
from monban.config import Settings
from monban.errors import CATALOGUE, CatalogueError, ErrorCode
from monban.factors.totp import TotpFactor
from monban.runtime import Runtime
from monban.signin import lockout, passwordless
from monban.store.counters import Counters
from monban.store.sql_counters import SqlCounters
from tests.conftest import PASSWORD, Updater, error_code, sign_in, token_for
from tests.factors import code_at, enroll_totp, mfa_flow, verify
from tests.mail import MAIL_TOKEN, mail_login
from tests.postgres import migrated_database

SETTINGS = DEFAULT_SETTINGS.model_copy(update={"lockout_threshold": 3})
KEYS = lockout.keys_for("acct-1", "203.0.113.9", None, False)
WRONG_GUESSES = sorted(code for code, entry in CATALOGUE.items() if entry.wrong_guess)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.mail_auth_token = MAIL_TOKEN  # the mail servers' login path is on
    return settings


@pytest.fixture
def counters(tmp_path: Path) -> Iterator[Counters]:
    with migrated_database("sqlite", tmp_path) as database:
        yield SqlCounters(database)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reservation left behind shows at once as SIGNIN_ATTEMPTS_EXCEEDED (busy), instead of
    after the guard's 10 s of waiting for the attempts in flight."""
    monkeypatch.setattr(lockout, "MAX_WAIT_SECONDS", 0.0)


async def _exit_with(counters: Counters, clock: FrozenClock, error: BaseException | None,
                     keys: lockout.AttemptKeys = KEYS) -> None:
    try:
        async with lockout.attempt(counters, keys, SETTINGS, clock):
            if error is not None:
                raise error
    except BaseException as raised:
        if raised is not error:
            raise


async def _refused(counters: Counters, clock: FrozenClock) -> str | None:
    try:
        await _exit_with(counters, clock, None)
    except CatalogueError as error:
        return error.code
    return None


def test_the_wrong_guesses_are_the_secrets() -> None:
    assert WRONG_GUESSES == ["BACKUP_CODE_INVALID", "INVALID_CREDENTIALS", "INVALID_OTP",
                             "OTP_EXPIRED", "SECURITY_KEY_FAILED"]


@pytest.mark.parametrize("code", WRONG_GUESSES)
async def test_a_wrong_guess_is_counted(counters: Counters, clock: FrozenClock,
                                        code: ErrorCode) -> None:
    for _ in range(3):
        await _exit_with(counters, clock, CatalogueError(code))
    assert await _refused(counters, clock) == "SIGNIN_ATTEMPTS_EXCEEDED"
    assert await counters.locked_until(KEYS.source, clock.now()) is not None
    assert await counters.locked_until(KEYS.account, clock.now()) is None  # 3 of 100


@pytest.mark.parametrize("code", ["PUSH_DENIED", "PUSH_TIMED_OUT", "APP_PASSWORD_REQUIRED",
                                  "FLOW_EXPIRED", "INVALID_REQUEST", "NOT_FOUND"])
async def test_any_other_catalogue_error_releases_the_attempt(
        counters: Counters, clock: FrozenClock, code: ErrorCode) -> None:
    for _ in range(5):
        await _exit_with(counters, clock, CatalogueError(code))
    assert await _refused(counters, clock) is None
    slot = (await counters.take_attempts(
        [(KEYS.source, lockout.source_rule(SETTINGS))], clock.now()))[0]
    assert slot.allowed and slot.failures == 0


@pytest.mark.parametrize("error", [RuntimeError("a bug"), ConnectionError("db gone"),
                                   asyncio.CancelledError(), KeyboardInterrupt()])
async def test_a_non_catalogue_exception_releases_the_attempt_at_once(
        counters: Counters, clock: FrozenClock, error: BaseException) -> None:
    for _ in range(3):  # left reserved, three of them would hold the source (threshold 3)
        await _exit_with(counters, clock, error)
    assert await _refused(counters, clock) is None


async def test_a_normal_exit_clears_the_counts(counters: Counters, clock: FrozenClock) -> None:
    for _ in range(2):
        await _exit_with(counters, clock, CatalogueError("INVALID_CREDENTIALS"))
    await _exit_with(counters, clock, None)
    for _ in range(2):
        await _exit_with(counters, clock, CatalogueError("INVALID_CREDENTIALS"))
    assert await _refused(counters, clock) is None  # 2 in a row, not 4


async def test_a_known_browser_is_held_by_its_own_count_only(counters: Counters,
                                                             clock: FrozenClock) -> None:
    browser = lockout.keys_for("acct-1", "203.0.113.9", "dev-1", True)
    for _ in range(3):
        await _exit_with(counters, clock, CatalogueError("INVALID_OTP"), browser)
    assert await counters.locked_until(browser.source, clock.now()) is not None
    assert await counters.locked_until(KEYS.account, clock.now()) is None
    assert await _refused(counters, clock) is None  # the IP's own count is untouched


async def test_racing_wrong_guesses_never_pass_the_threshold(counters: Counters,
                                                             clock: FrozenClock) -> None:
    checked = 0

    async def guess() -> str:
        nonlocal checked
        try:
            async with lockout.attempt(counters, KEYS, SETTINGS, clock):
                checked += 1
                await asyncio.sleep(0)
                raise CatalogueError("INVALID_OTP")
        except CatalogueError as error:
            return error.code

    codes = await asyncio.gather(*(guess() for _ in range(100)))
    assert checked == 3 and codes.count("INVALID_OTP") == 3
    assert set(codes) == {"INVALID_OTP", "SIGNIN_ATTEMPTS_EXCEEDED"}


# Every path -------------------------------------------------------------------------------
@pytest.fixture
async def strict(set_org: Updater) -> None:
    """One wrong attempt locks the source: one reservation left behind refuses the next."""
    await set_org(lockout_threshold=1)


def _fails_once(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> None:
    """`target.name` raises RuntimeError (from outside the catalogue) the first time it runs;
    a coroutine function raises when awaited, as a real failure inside it would."""
    real = getattr(target, name)
    calls = 0

    def first() -> bool:
        nonlocal calls
        calls += 1
        return calls == 1

    if inspect.iscoroutinefunction(real):
        async def failing(*args: Any, **kwargs: Any) -> Any:
            if first():
                raise RuntimeError("not from the catalogue")
            return await real(*args, **kwargs)
        monkeypatch.setattr(target, name, failing)
        return

    def failing_now(*args: Any, **kwargs: Any) -> Any:
        if first():
            raise RuntimeError("not from the catalogue")
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing_now)


@pytest.mark.usefixtures("strict")
async def test_password_signin_releases_on_a_bug(runtime: Runtime, member: Account,
                                                 client: httpx.AsyncClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _fails_once(monkeypatch, runtime.hasher, "verify")
    with pytest.raises(RuntimeError):
        await sign_in(client, member.email or "")
    assert (await sign_in(client, member.email or "")).status_code == 200


@pytest.mark.usefixtures("strict")
async def test_reauthentication_releases_on_a_bug(runtime: Runtime, member: Account,
                                                  client: httpx.AsyncClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    headers = await token_for(client, member.email or "")
    _fails_once(monkeypatch, runtime.hasher, "verify")
    body = {"current_password": PASSWORD, "name": "Thunderbird"}
    with pytest.raises(RuntimeError):
        await client.post("/api/v1/me/app-passwords", headers=headers, json=body)
    created = await client.post("/api/v1/me/app-passwords", headers=headers, json=body)
    assert created.status_code == 201, created.text


@pytest.mark.usefixtures("strict")
async def test_mail_login_releases_on_a_bug(runtime: Runtime, member: Account,
                                            client: httpx.AsyncClient,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _fails_once(monkeypatch, runtime.hasher, "verify")
    with pytest.raises(RuntimeError):
        await mail_login(client, member.email or "", PASSWORD)
    assert (await mail_login(client, member.email or "", PASSWORD)).status_code == 200


@pytest.mark.usefixtures("strict")
async def test_second_step_releases_on_a_bug(runtime: Runtime, member: Account,
                                             client: httpx.AsyncClient, clock: FrozenClock,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    secret, factor_id = await enroll_totp(client, member, clock)
    flow = await mfa_flow(client, member)
    _fails_once(monkeypatch, TotpFactor, "verify")
    with pytest.raises(RuntimeError):
        await verify(client, flow["flow"]["id"], factor_id, code_at(secret, clock))
    done = await verify(client, flow["flow"]["id"], factor_id, code_at(secret, clock))
    assert done.status_code == 200, done.text


@pytest.mark.usefixtures("strict")
async def test_a_sign_in_code_releases_on_a_bug(runtime: Runtime, member: Account,
                                                client: httpx.AsyncClient,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    started = await client.post("/api/v1/signin/flows", json={"identifier": member.email})
    flow_id = started.json()["flow"]["id"]
    assert (await client.post(f"/api/v1/signin/flows/{flow_id}/code")).status_code == 200
    body = (await runtime.outbox.latest(1, target=member.email))[0].body
    code = next(word for word in body.split() if word.isdigit() and len(word) == 6)
    _fails_once(monkeypatch, passwordless, "consume")
    url = f"/api/v1/signin/flows/{flow_id}/code/verify"
    with pytest.raises(RuntimeError):
        await client.post(url, json={"code": code})
    done = await client.post(url, json={"code": code})
    assert done.status_code == 200, done.text


@pytest.mark.usefixtures("strict")
async def test_a_wrong_password_still_locks_every_path(member: Account,
                                                       client: httpx.AsyncClient) -> None:
    assert error_code(await sign_in(client, member.email or "", "wrong")) == \
        "INVALID_CREDENTIALS"
    locked = await mail_login(client, member.email or "", PASSWORD, client_ip="198.51.100.7")
    assert error_code(locked) == "SIGNIN_ATTEMPTS_EXCEEDED"
