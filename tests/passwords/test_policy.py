"""The password policy's rules, one by one, and the ja/en sentence each one shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from monban.accounts.model import Account
from monban.accounts.org_settings import OrgSettings
from monban.errors import CatalogueError
from monban.passwords import policy
from monban.passwords.blocklist import Identity, common_passwords, identity_field, is_common
from monban.passwords.hasher import PasswordHasher
from monban.web.signin.new_password import RULE_NOTES, policy_hints, policy_notes

NOBODY = Identity()
HANAKO = Identity("Hanako Yamada", "hanako.yamada@acme.example", "hanako")
DEFAULT = OrgSettings()
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def refused(password: str, settings: OrgSettings = DEFAULT, identity: Identity = NOBODY,
            only_factor: bool = False) -> dict[str, Any]:
    with pytest.raises(CatalogueError) as caught:
        policy.check(password, settings, identity, only_factor=only_factor)
    assert caught.value.code == "PASSWORD_POLICY_VIOLATION"
    return caught.value.detail


def ok(password: str, settings: OrgSettings = DEFAULT, identity: Identity = NOBODY,
       only_factor: bool = False) -> str:
    return policy.check(password, settings, identity, only_factor=only_factor)


def notes(detail: dict[str, Any], language: str) -> tuple[str, ...]:
    return policy_notes(CatalogueError("PASSWORD_POLICY_VIOLATION", detail=detail), language)


@pytest.fixture
def hasher() -> Iterator[PasswordHasher]:
    made = PasswordHasher(memory_kib=1024, time_cost=1, workers=2)
    yield made
    made.close()


def test_length_is_nist_by_default_and_15_when_the_password_is_the_only_factor() -> None:
    assert ok("barn-owl") == "barn-owl"
    assert refused("barn-ow") == {"rule": "min_length", "min_length": 8, "only_factor": False}
    assert ok("tulip kite barn", only_factor=True)
    detail = refused("tulip kite barn"[:14], only_factor=True)
    assert detail == {"rule": "min_length", "min_length": 15, "only_factor": True}
    stricter = OrgSettings(password_min_length=20)
    assert refused("tulip kite barn owl", stricter, only_factor=True) == {
        "rule": "min_length", "min_length": 20, "only_factor": False}
    assert notes(detail, "en") == ("Without two-step verification your password is your only "
                                   "way in, so it needs at least 15 characters.",)
    assert notes(detail, "ja") == ("2段階認証を設定していない場合、パスワードがサインインの唯一の"
                                   "手段となるため、15文字以上にしてください。",)
    assert notes(refused("barn-ow"), "en") == ("Use at least 8 characters.",)
    assert notes(refused("barn-ow"), "ja") == ("8文字以上にしてください。",)


def test_any_unicode_counted_after_nfkc_with_no_composition_rules() -> None:
    assert ok("ｂａｒｎ－ｏｗｌ") == "barn-owl"  # full-width folds to ASCII
    assert ok("🔑" * 8) == "🔑" * 8
    assert ok("すずめのとじまり") == "すずめのとじまり"
    assert ok("only lowercase words here", only_factor=True)
    assert ok("x" * 20 + "ab" * 22)  # 64 characters are allowed


def test_max_length_and_blank() -> None:
    assert ok("a1b2c3d4" * 32)  # 256
    detail = refused("a1b2c3d4" * 32 + "x")
    assert detail == {"rule": "max_length", "max_length": 256}
    assert notes(detail, "en") == ("Use at most 256 characters.",)
    assert notes(detail, "ja") == ("256文字以下にしてください。",)
    assert refused(" " * 16) == {"rule": "blank"}
    assert notes({"rule": "blank"}, "ja") == ("空白だけのパスワードは使用できません。",)


def test_character_classes_are_only_an_org_rule() -> None:
    settings = OrgSettings(password_classes=["upper", "digit", "symbol"])
    detail = refused("tulip kite barn", settings)
    assert detail == {"rule": "classes", "required": ["digit", "symbol", "upper"],
                      "missing": ["digit", "upper"]}
    assert notes(detail, "en") == ("Include at least one of each: digit, uppercase letter.",)
    assert notes(detail, "ja") == (
        "次の種類の文字をそれぞれ1文字以上含めてください: 数字、大文字。",)
    assert ok("Tulip kite ２", settings) == "Tulip kite 2"  # a full-width digit is a digit
    assert ok("tulipkitebarn", OrgSettings(password_classes=["lower"]))


@pytest.mark.parametrize("password", [
    "password", "Password", "PASSWORD123!", "Ｐａｓｓｗｏｒｄ１２３", "qwertyuiop",
    "iloveyou!!!!!!!!", "Dragon2024!", "1qaz2wsx3edc4rfv", "  password  ", "monkey 12345678",
])
def test_common_and_breached_passwords_are_refused(password: str) -> None:
    detail = refused(password)
    assert detail == {"rule": "blocklist"}


def test_blocklist_sentences_and_what_passes() -> None:
    assert notes({"rule": "blocklist"}, "en") == (
        "This password is too common or has appeared in a data breach. Choose another one.",)
    assert notes({"rule": "blocklist"}, "ja") == (
        "このパスワードはよく使われているか、過去に流出したことがあります。別のパスワードを選んでください。",)
    assert not is_common("correct horse battery")
    assert not is_common("a7261938475")  # a stem shorter than 4 letters is not looked up
    assert ok("tulip kite barn", only_factor=True)


def test_the_shipped_list() -> None:
    listed = common_passwords()
    assert 30_000 <= len(listed) <= 100_000
    assert {"123456", "password", "qwerty", "iloveyou"} <= listed
    assert all(entry == entry.casefold() and len(entry) >= 4 for entry in listed)


def test_passwords_made_from_the_accounts_names_are_refused() -> None:
    for password, field in [("hanako1990!", "email"), ("Hanako.Yamada", "email"),
                            ("YAMADA hanako 2024", "email"), ("hanako password", "email")]:
        detail = refused(password, identity=HANAKO)
        assert detail == {"rule": "contains_identity", "field": field}, password
    assert refused("tanuki-8", identity=Identity(username="Tanuki")) == {
        "rule": "contains_identity", "field": "username"}
    assert refused("rose garden", identity=Identity("Rose Garden")) == {
        "rule": "contains_identity", "field": "name"}
    assert identity_field("山田花子1234", Identity("山田 花子")) == "name"
    # a name inside an otherwise strong password, or a short one, is not refused
    assert ok("rosemary under the old bridge", identity=Identity("Rose"))
    assert ok("planning ahead", identity=Identity("Ann"))
    assert ok("hanako's garden gate", identity=HANAKO)
    detail = {"rule": "contains_identity", "field": "name"}
    assert notes(detail, "en") == (
        "Don't build your password from your name, email address or username.",)
    assert notes(detail, "ja") == (
        "名前、メールアドレス、ユーザー名をもとにしたパスワードは使用できません。",)


def test_rules_run_in_order() -> None:
    assert policy.RULES[0].__name__ == "_max_length"
    assert refused("hanako", identity=HANAKO)["rule"] == "min_length"
    settings = OrgSettings(password_classes=["digit"])
    assert refused("hanako yamada", settings, HANAKO)["rule"] == "classes"
    assert refused("hanako yamada 1", settings, HANAKO)["rule"] == "contains_identity"


async def test_history_compares_with_the_last_n_hashes(hasher: PasswordHasher) -> None:
    hashes = [hasher.hash_now(p) for p in ("third one", "second one", "first one")]
    await policy.check_history("first one", hashes, hasher, 2)  # only the last two count
    await policy.check_history("third one", hashes, hasher, 0)
    with pytest.raises(CatalogueError) as caught:
        await policy.check_history("second one", hashes, hasher, 2)
    assert caught.value.detail == {"rule": "history", "history": 2}
    assert notes(caught.value.detail, "en") == ("Don't reuse any of your last 2 passwords.",)
    assert notes(caught.value.detail, "ja") == (
        "過去2回以内に使用したパスワードは使用できません。",)
    assert notes({"rule": "history", "history": 1}, "en") == (
        "Choose a password different from your current one.",)


def test_min_age() -> None:
    settings = OrgSettings(password_min_age_hours=24)
    policy.check_min_age(NOW - timedelta(hours=24), settings, NOW)
    policy.check_min_age(None, settings, NOW)
    policy.check_min_age(NOW, DEFAULT, NOW)
    with pytest.raises(CatalogueError) as caught:
        policy.check_min_age(NOW - timedelta(hours=23), settings, NOW)
    detail = caught.value.detail
    assert detail == {"rule": "min_age", "min_age_hours": 24,
                      "allowed_at": (NOW + timedelta(hours=1)).isoformat()}
    assert notes(detail, "en") == (
        "Your password was changed less than 24 hours ago. Try again later.",)
    assert notes(detail, "ja") == (
        "パスワードは24時間以内に変更されています。しばらくしてからもう一度お試しください。",)


def _account(**changes: Any) -> Account:
    base: dict[str, Any] = dict(
        id="a", org_id=None, role=None, email="hanako@acme.example", phone=None, username=None,
        display_name="Hanako", language="en", timezone="UTC", password_hash="x",
        password_changed_at=NOW - timedelta(days=30), disabled=False, is_superadmin=False,
        created_at=NOW)
    return Account(**{**base, **changes})


def test_change_due_no_periodic_expiry_by_default() -> None:
    assert policy.change_due(_account(), DEFAULT, NOW + timedelta(days=3650)) is None
    aged = OrgSettings(password_max_age_days=30)
    assert policy.change_due(_account(), aged, NOW - timedelta(seconds=1)) is None
    assert policy.change_due(_account(), aged, NOW) == "max_age"
    assert policy.change_due(_account(must_change_password=True), DEFAULT, NOW) == "must_change"
    assert policy.change_due(_account(password_changed_at=None), aged, NOW) is None


def test_every_rule_has_a_sentence_and_hints_follow_the_settings() -> None:
    assert set(RULE_NOTES) == {"min_length", "max_length", "blank", "classes",
                               "contains_identity", "blocklist", "history", "min_age"}
    assert notes({"rule": "unknown"}, "en") == ()
    assert policy_notes(CatalogueError("INVALID_CREDENTIALS"), "en") == ()
    plain = policy_hints(DEFAULT, False, "en")
    assert plain[0] == "Use at least 8 characters." and len(plain) == 3
    strict = OrgSettings(password_classes=["symbol"], password_history=5)
    hints = policy_hints(strict, True, "ja")
    assert hints[:3] == [
        "2段階認証を設定していない場合、パスワードがサインインの唯一の手段となるため、15文字以上に"
        "してください。",
        "次の種類の文字をそれぞれ1文字以上含めてください: 記号またはスペース。",
        "過去5回以内に使用したパスワードは使用できません。"]
