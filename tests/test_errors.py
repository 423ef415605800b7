"""The catalogue's two spellings agree: the `ErrorCode` Literal mypy checks every
`CatalogueError(...)` against, and the table the renderers read."""

from __future__ import annotations

from typing import get_args

import pytest

from monban.errors import _ENTRIES, CATALOGUE, CatalogueError, ErrorCode, is_wrong_guess


def test_the_literal_and_the_table_hold_the_same_codes() -> None:
    literal = get_args(ErrorCode)
    assert len(set(literal)) == len(literal), "a code twice in ErrorCode"
    assert len(CATALOGUE) == len(_ENTRIES), "a code twice in the table"
    assert set(literal) == set(CATALOGUE)


def test_a_code_outside_the_catalogue_is_refused_at_run_time_too() -> None:
    with pytest.raises(KeyError):
        CatalogueError("IP_NOT_ALOWED")  # type: ignore[arg-type]


def test_wrong_guess_is_read_from_the_catalogue() -> None:
    assert is_wrong_guess("INVALID_OTP") and not is_wrong_guess("PUSH_DENIED")
    assert not is_wrong_guess(None) and not is_wrong_guess("NO_SUCH_CODE")
