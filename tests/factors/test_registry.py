"""Every list of factors is derived from the registry and the factors' own descriptions; a
registered factor that cannot be loaded, or lacks a verb, stops the server from starting."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

import monban.web
from monban.accounts.org_settings import DEFAULT_SETTINGS, OrgSettings
from monban.diagnostics.words import factor_label
from monban.factors import registry
from monban.factors.manager import FactorManager
from monban.runtime import Runtime
from monban.web import mfa
from tests.factors.fake_factor import ENTRY, FakeFactor

TEMPLATES = Path(monban.web.__file__).parent / "templates"


@pytest.fixture
def fake_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.KNOWN, "fake", ENTRY)
    yield


def test_the_lists_are_the_registrys() -> None:
    described = registry.descriptions()
    assert list(described) == list(registry.KNOWN)
    assert DEFAULT_SETTINGS.allowed_factors == [k for k, e in registry.KNOWN.items()
                                                if e.on_by_default]
    assert "email" not in DEFAULT_SETTINGS.allowed_factors  # NIST SP 800-63B, as before
    assert mfa.kinds() == {k: d.label for k, d in described.items()}
    assert mfa.kind_hints() == {k: d.hint for k, d in described.items()}
    assert mfa.sent_kinds() == {"sms", "email"}
    assert mfa.scripted("verify") == {"webauthn", "push"} and mfa.scripted("add") == {"webauthn"}
    assert [k for k, d in described.items() if not d.confirm_page] == ["webauthn", "backup_code"]
    assert mfa.org_methods() == ["totp", "sms", "webauthn"]
    assert list(mfa.org_switches()) == ["email", "backup_code"]  # push is kept off that page
    assert {k for k in described if not registry.counts_alone(k)} == {"backup_code"}
    assert all(factor_label(k).msgid == d.trace_label for k, d in described.items())
    with pytest.raises(ValidationError):
        OrgSettings(allowed_factors=["totp", "carrier_pigeon"])


def test_every_factor_has_its_page_fragments() -> None:
    for kind in registry.KNOWN:
        assert (TEMPLATES / "factors" / f"{kind}_add.html").is_file(), kind
        assert (TEMPLATES / "factors" / f"{kind}_verify.html").is_file(), kind


@pytest.mark.usefixtures("fake_registered")
def test_a_factor_registered_alone_is_in_every_list() -> None:
    assert "fake" in registry.kinds() and "fake" in OrgSettings().allowed_factors
    assert OrgSettings(allowed_factors=["fake"]).allowed_factors == ["fake"]
    assert mfa.kinds()["fake"] == "Fake method"
    assert mfa.kind_hints()["fake"] == "A method made up by a test."
    assert "fake" in mfa.org_methods() and "fake" not in mfa.sent_kinds()
    assert registry.counts_alone("fake")
    assert factor_label("fake").msgid == "made-up code"


async def test_a_factor_registered_alone_is_built(fake_registered: None,
                                                  runtime: Runtime) -> None:
    assert isinstance(runtime.factors.registry["fake"], FakeFactor)


def test_a_plug_in_that_cannot_be_loaded_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.KNOWN, "ghost", registry.Entry("monban.factors.ghost:Ghost"))
    with pytest.raises(registry.RegistryError, match="ghost"):
        registry.classes()
    monkeypatch.setitem(registry.KNOWN, "ghost",
                        registry.Entry("monban.factors.totp:NoSuchClass"))
    with pytest.raises(registry.RegistryError, match="ghost"):
        registry.classes()
    monkeypatch.setitem(registry.KNOWN, "ghost", registry.Entry("monban.factors.totp:TotpFactor"))
    with pytest.raises(registry.RegistryError, match="kind = 'ghost'"):
        registry.classes()


def test_a_factor_without_removal_is_refused(runtime: Runtime) -> None:
    class NoRemoval:
        kind = "fake"
        amr = "otp"
        description = FakeFactor.description

        async def enroll(self) -> None: ...
        async def confirm(self) -> None: ...
        async def challenge(self) -> None: ...
        async def verify(self) -> None: ...

    with pytest.raises(TypeError, match="fake"):
        FactorManager(runtime.db, {"fake": NoRemoval()})  # type: ignore[dict-item]
