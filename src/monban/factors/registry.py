"""Which factors exist: kind -> the class implementing factors/base.Factor. Adding a factor is
its module (with its `Description`), a line here, its page fragments
(web/templates/factors/<kind>_*.html) and its catalogue rows; every list of factors — the kinds
an org may allow and which are on by default, the pages' names and hints, the diagnostics
words, which factors count alone — is derived from this table and the classes' descriptions.

This module imports no factor when loaded (org settings read the kinds from it); the classes
are imported when first asked for, and one that cannot be imported is an error: a plug-in that
silently disappears would silently drop a way to sign in."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monban.factors.base import Description, Factor, FactorClass, FactorDeps


@dataclass(frozen=True, slots=True)
class Entry:
    target: str
    """"module:Class"."""
    on_by_default: bool = True
    """Allowed in an org's settings until the org says otherwise."""


KNOWN: dict[str, Entry] = {
    "totp": Entry("monban.factors.totp:TotpFactor"),
    "sms": Entry("monban.factors.sms:SmsFactor"),
    # NIST SP 800-63B does not accept email as an out-of-band authenticator: off by default
    "email": Entry("monban.factors.email_code:EmailCodeFactor", on_by_default=False),
    "webauthn": Entry("monban.factors.webauthn:WebAuthnFactor"),
    "backup_code": Entry("monban.factors.backup_codes:BackupCodeFactor"),
    "push": Entry("monban.factors.push:PushFactor"),
}


class RegistryError(RuntimeError):
    """A registered factor cannot be loaded or does not implement factors/base.Factor."""


def kinds() -> frozenset[str]:
    return frozenset(KNOWN)


def on_by_default() -> list[str]:
    return [kind for kind, entry in KNOWN.items() if entry.on_by_default]


_loaded: dict[tuple[tuple[str, Entry], ...], dict[str, FactorClass]] = {}
"""The classes of a table's contents, so the pages and the flow ask cheaply (a test that
registers a factor changes the table, hence the key)."""


def classes() -> dict[str, FactorClass]:
    """Each registered kind's class, in the table's order (imported on first use)."""
    key = tuple(KNOWN.items())
    found = _loaded.get(key)
    if found is None:
        found = _loaded[key] = _load()
    return dict(found)


def _load() -> dict[str, FactorClass]:
    found: dict[str, FactorClass] = {}
    for kind, entry in KNOWN.items():
        module_name, _, class_name = entry.target.partition(":")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as exc:
            raise RegistryError(f"factor {kind!r}: cannot load {entry.target}: {exc}") from exc
        if getattr(cls, "kind", None) != kind or not hasattr(cls, "description"):
            raise RegistryError(f"factor {kind!r}: {entry.target} must say kind = {kind!r} "
                                "and carry a description")
        found[kind] = cls
    return found


def descriptions() -> dict[str, Description]:
    return {kind: cls.description for kind, cls in classes().items()}


def counts_alone(kind: str) -> bool:
    """Whether an enrolled factor of this kind is a second step on its own (a kind no longer
    registered is not held against the person)."""
    described = descriptions().get(kind)
    return described is None or described.counts_alone


def build(deps: FactorDeps) -> dict[str, Factor]:
    return {kind: cls(deps) for kind, cls in classes().items()}
