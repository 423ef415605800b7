"""Every UI string the pages use (their templates, the factors' descriptions) has a Japanese
translation in the catalog."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import monban.web
from monban.factors import registry
from monban.i18n.catalog import LOCALES, gettext_for

WEB = Path(monban.web.__file__).parent
TEMPLATE_CALL = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def used_msgids() -> set[str]:
    found: set[str] = set()
    for path in WEB.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    for described in registry.descriptions().values():  # the factors' own words
        found |= {described.label, described.hint, described.trace_label}
        found |= {w for w in (described.default_name, *(described.org_switch or ())) if w}
    for path in (WEB / "templates").rglob("*.html"):
        for match in TEMPLATE_CALL.finditer(path.read_text()):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return found


def test_strings_are_found() -> None:
    assert {"Sign in", "Keep me signed in", "Problem signing in?"} <= used_msgids()


def test_every_string_has_a_japanese_translation() -> None:
    ja = gettext_for("ja")
    missing = sorted(m for m in used_msgids() if ja(m) == m and m not in {"Monban"})
    assert not missing, "untranslated: " + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    ja = gettext_for("ja")
    for msgid in used_msgids():
        placeholders = re.compile(r"%\(\w+\)s")
        assert set(placeholders.findall(ja(msgid))) == set(placeholders.findall(msgid)), msgid


def test_catalogs_parse_without_fuzzy_entries() -> None:
    entries = 0
    for path in sorted((LOCALES / "ja" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="ja")
        entries += len(catalog)
        assert not [message.id for message in catalog if message.id and message.fuzzy], path
    assert entries >= len(used_msgids())
