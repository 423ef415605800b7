"""Argon2id hashing and verification, off the event loop, at the same cost for accounts that
do not exist (verified against a dummy hash) as for those that do."""

from __future__ import annotations

import asyncio
import os
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    needs_rehash: bool = False


class PasswordHasher:
    def __init__(self, memory_kib: int = 19 * 1024, time_cost: int = 2, parallelism: int = 1,
                 workers: int = 0) -> None:
        self._argon2 = Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib,
                                    parallelism=parallelism, hash_len=32, salt_len=16,
                                    type=Type.ID)
        self._pool = ThreadPoolExecutor(max_workers=workers or os.cpu_count() or 2,
                                        thread_name_prefix="monban-argon2")
        self._dummy = self._argon2.hash(secrets.token_urlsafe(24))

    def hash_now(self, password: str) -> str:
        """On the calling thread: for the CLI and for tests."""
        return self._argon2.hash(password)

    def verify_now(self, stored: str | None, password: str) -> Verdict:
        if stored is None:
            self._verify_dummy(password)
            return Verdict(False)
        try:
            self._argon2.verify(stored, password)
        except VerifyMismatchError:
            return Verdict(False)
        except (VerificationError, InvalidHashError):
            return Verdict(False)
        return Verdict(True, self._argon2.check_needs_rehash(stored))

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, self._argon2.hash, password)

    async def verify(self, stored: str | None, password: str) -> Verdict:
        """stored=None (no such account, or no password set) costs one full verification."""
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, self.verify_now, stored, password)

    def _verify_dummy(self, password: str) -> None:
        try:
            self._argon2.verify(self._dummy, password)
        except VerificationError:
            pass

    def close(self) -> None:
        self._pool.shutdown(wait=True)
