"""Reading a posted form: the CSRF check first, then its fields as bounded text."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request

from monban.edge.csrf import check
from monban.errors import CatalogueError

MAX_FIELD = 1024


class Form:
    def __init__(self, data: FormData) -> None:
        self._data = data

    def text(self, name: str, max_length: int = MAX_FIELD) -> str:
        value = self._data.get(name)
        if not isinstance(value, str):
            return ""
        if len(value) > max_length:
            raise CatalogueError("INVALID_REQUEST", detail={"field": name})
        return value

    def choices(self, name: str, allowed: frozenset[str] | set[str]) -> list[str]:
        """The ticked values of a group of checkboxes, only those in `allowed`."""
        return sorted({v for v in self._data.getlist(name) if isinstance(v, str) and v in allowed})

    def flag(self, name: str) -> bool:
        return self.text(name, 10) in ("1", "on", "true", "yes")


async def read_form(request: Request) -> Form:
    """The posted fields, after the double-submit CSRF check (CSRF_CHECK_FAILED)."""
    data = await request.form()
    submitted = data.get("csrf")
    check(request, submitted if isinstance(submitted, str) else None)
    return Form(data)


def local_path(value: str | None, default: str = "/account/security") -> str:
    """Only paths on this site are followed after signing in: no scheme, no host, no `//`."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    if any(ch in value for ch in ("\\", "\r", "\n", "\t")) or len(value) > 512:
        return default
    return value
