"""Ids and bearer secrets."""

from __future__ import annotations

from monban.store.ids import new_token


def test_a_token_never_reads_as_a_command_line_option() -> None:
    # one in 64 URL-safe tokens used to start with "-" (2,000 draws: never all clean by luck)
    tokens = [new_token() for _ in range(2000)]
    assert not any(t.startswith("-") for t in tokens)
    assert len(set(tokens)) == 2000 and all(len(t) == 43 for t in tokens)
