"""The password policy: NIST SP 800-63B by default, the organisation's rules on top.

By default (SP 800-63B-4, 3.1.1.2): at least 8 characters, 15 when the password is the
account's only factor; up to MAX_LENGTH (NIST asks that at least 64 be allowed); any Unicode,
counted after NFKC; no composition rules; no periodic expiry; not on the blocklist and not
containing the account's name, email address or username (passwords/blocklist.py). An org may
add (accounts/org_settings.py) a longer minimum, character classes, history (the last N not
reused), a minimum age and a maximum age.

Each rule is a small unit that passes or raises PASSWORD_POLICY_VIOLATION with
detail["rule"] naming it; RULES is their order. History needs the stored hashes and the
hasher, so it is its own coroutine; signin/password_change.py runs everything in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.errors import CatalogueError
from monban.passwords.blocklist import Identity, identity_field, is_common
from monban.passwords.hasher import PasswordHasher
from monban.passwords.rules import normalise

MIN_LENGTH = 8
ONLY_FACTOR_MIN_LENGTH = 15
MAX_LENGTH = 256
CLASSES: dict[str, Callable[[str], bool]] = {
    "lower": str.islower,
    "upper": str.isupper,
    "digit": str.isdigit,
    "symbol": lambda ch: not ch.isalnum(),
}
"""The org's character classes, in the order the settings name them. After NFKC a
full-width digit is a digit; a space or an emoji is a symbol."""


def violation(rule: str, **detail: Any) -> CatalogueError:
    return CatalogueError("PASSWORD_POLICY_VIOLATION", detail={"rule": rule, **detail})


def min_length(settings: OrgSettings, only_factor: bool) -> int:
    """The org's minimum, but never below NIST's: 15 for a password that is the only factor,
    else 8."""
    floor = ONLY_FACTOR_MIN_LENGTH if only_factor else MIN_LENGTH
    return max(settings.password_min_length, floor)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A proposed password (NFKC-normalised) and what the rules judge it by."""

    value: str
    settings: OrgSettings
    identity: Identity
    only_factor: bool


def _max_length(c: Candidate) -> None:
    if len(c.value) > MAX_LENGTH:
        raise violation("max_length", max_length=MAX_LENGTH)


def _blank(c: Candidate) -> None:
    if not c.value.strip():
        raise violation("blank")


def _min_length(c: Candidate) -> None:
    needed = min_length(c.settings, c.only_factor)
    if len(c.value) < needed:
        raised = c.only_factor and ONLY_FACTOR_MIN_LENGTH > c.settings.password_min_length
        raise violation("min_length", min_length=needed, only_factor=raised)


def _classes(c: Candidate) -> None:
    required = c.settings.password_classes
    missing = [name for name in required if not any(map(CLASSES[name], c.value))]
    if missing:
        raise violation("classes", required=list(required), missing=missing)


def _contains_identity(c: Candidate) -> None:
    field = identity_field(c.value, c.identity)
    if field is not None:
        raise violation("contains_identity", field=field)


def _blocklist(c: Candidate) -> None:
    if is_common(c.value):
        raise violation("blocklist")


RULES: tuple[Callable[[Candidate], None], ...] = (
    _max_length, _blank, _min_length, _classes, _contains_identity, _blocklist)
"""In this order: the first that fails is the one reported."""


def check(password: str, settings: OrgSettings, identity: Identity, *,
          only_factor: bool) -> str:
    """The password as it will be hashed (NFKC), or PASSWORD_POLICY_VIOLATION naming the
    first rule it fails."""
    candidate = Candidate(normalise(password), settings, identity, only_factor)
    for rule in RULES:
        rule(candidate)
    return candidate.value


def identity_of(account: Account) -> Identity:
    return Identity(account.display_name, account.email, account.username)


async def check_history(value: str, previous: Sequence[str], hasher: PasswordHasher,
                        keep: int) -> None:
    """"history": `value` (normalised) is none of the last `keep` passwords (the org's
    password_history; at least the current one for a forced change). `previous` is the
    current hash first, then the older ones, newest first; each is verified with Argon2 off
    the event loop, in parallel."""
    if not keep or not previous:
        return
    verdicts = await asyncio.gather(*(hasher.verify(h, value) for h in previous[:keep]))
    if any(verdict.ok for verdict in verdicts):
        raise violation("history", history=keep)


def check_min_age(changed_at: datetime | None, settings: OrgSettings, now: datetime) -> None:
    """"min_age": the password was set long enough ago to be changed again (only for a
    person changing their own password: never for an admin reset or a forced change)."""
    hours = settings.password_min_age_hours
    if not hours or changed_at is None:
        return
    allowed_at = changed_at + timedelta(hours=hours)
    if now < allowed_at:
        raise violation("min_age", min_age_hours=hours, allowed_at=allowed_at.isoformat())


def change_due(account: Account, settings: OrgSettings, now: datetime) -> str | None:
    """Why the password must be changed before signing in, if it must: "must_change" (an
    admin reset it and asked for a change) or "max_age" (older than the org allows). Cheap:
    it runs on every sign-in."""
    if account.must_change_password:
        return "must_change"
    days = settings.password_max_age_days
    changed_at = account.password_changed_at
    if days and changed_at is not None and now >= changed_at + timedelta(days=days):
        return "max_age"
    return None
