from __future__ import annotations

import pytest

from monban.errors import CatalogueError
from monban.passwords.hasher import PasswordHasher
from monban.passwords.rules import check_new_password


async def test_verify_and_rehash_when_parameters_change() -> None:
    old = PasswordHasher(memory_kib=1024, time_cost=1)
    new = PasswordHasher(memory_kib=2048, time_cost=2)
    try:
        stored = await old.hash("パスワード123")
        assert (await old.verify(stored, "パスワード123")).ok
        assert not (await old.verify(stored, "パスワード124")).ok
        verdict = await new.verify(stored, "パスワード123")
        assert verdict.ok and verdict.needs_rehash
        assert "m=19456" in PasswordHasher().hash_now("x" * 8)  # the OWASP default
    finally:
        old.close()
        new.close()


async def test_unknown_accounts_cost_a_full_verification() -> None:
    hasher = PasswordHasher(memory_kib=1024, time_cost=1)
    try:
        assert not (await hasher.verify(None, "anything")).ok
        assert not (await hasher.verify("not-a-hash", "anything")).ok
    finally:
        hasher.close()


def test_nist_basics() -> None:
    assert check_new_password("ｐａｓｓｗｏｒｄ１") == "password1"  # NFKC
    assert check_new_password("🔑" * 8) == "🔑" * 8  # any Unicode
    assert check_new_password("a" * 64)
    for bad, rule in (("1234567", "min_length"), ("x" * 257, "max_length"),
                      (" " * 9, "blank")):
        with pytest.raises(CatalogueError) as caught:
            check_new_password(bad)
        assert caught.value.detail["rule"] == rule
