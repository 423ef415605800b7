"""The sentences diagnostics speak: English msgids with %(name)s placeholders, translated by the
same Babel catalog as the pages (i18n/locales), so the CLI, the console and the JSON API say
the same thing in ja and en. A value may itself be a Line (a translated word such as a factor's
name); times are formatted before they go in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from monban.i18n.catalog import gettext_for
from monban.signin.policies import TRACED

Gettext = Callable[..., str]


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext marker
    return msgid


@dataclass(frozen=True, slots=True)
class Line:
    msgid: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def text(self, gettext: Gettext) -> str:
        if not self.values:
            return gettext(self.msgid)
        return gettext(self.msgid, **{k: _value(v, gettext) for k, v in self.values.items()})

    def raw(self) -> dict[str, Any]:
        """The values as plain JSON (nested lines as their msgid)."""
        return {k: (v.msgid if isinstance(v, Line) else v) for k, v in self.values.items()}


def say(msgid: str, **values: Any) -> Line:
    return Line(msgid, values)


def _value(value: Any, gettext: Gettext) -> str:
    return value.text(gettext) if isinstance(value, Line) else str(value)


def speaker(language: str) -> Callable[[Line | None], str]:
    """`speak(line)` in `language` ('' for None)."""
    gettext = gettext_for(language)
    return lambda line: line.text(gettext) if line is not None else ""


def moment(value: datetime | str | None, zone: ZoneInfo) -> str:
    """A time as the diagnostics show it: 2026-01-01 10:17 JST."""
    if value is None:
        return "?"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return "?"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


POLICY_LABELS = {step.name: step.label for step in TRACED}
"""Every name a trace can hold, as signin/policies.py labels it."""

FACTOR_LABELS = {
    "totp": N_("authenticator app code"),
    "sms": N_("code by SMS"),
    "email": N_("code by email"),
    "webauthn": N_("security key or passkey"),
    "backup_code": N_("backup verification code"),
    "push": N_("push approval"),
}

FIX_BY = {
    "user": N_("The member."),
    "org_admin": N_("An administrator of the organization."),
    "support": N_("Support."),
}


def policy_label(policy: str) -> Line:
    """The step's label (its raw name only for a name no policy declares, e.g. an old row)."""
    return Line(POLICY_LABELS.get(policy, policy))


def factor_label(kind: str) -> Line:
    return Line(FACTOR_LABELS.get(kind, kind))
