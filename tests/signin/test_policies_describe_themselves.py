"""Every name a sign-in's trace can hold is declared in signin/policies.py with a label and
the sentences the diagnostics speak of it, in Japanese too: `monban diagnose` never prints a
raw policy name (it did for signin_restriction and password_age)."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import monban
from monban.accounts.org_settings import OrgSettings
from monban.diagnostics import Facts, explain
from monban.diagnostics.verdicts import READERS
from monban.diagnostics.words import Line, policy_label, speaker
from monban.i18n.catalog import gettext_for
from monban.signin.policies import (
    AFTER_SECRET,
    BEFORE_SECRET,
    BY_NAME,
    PASSWORD_AGE,
    SAME_FACTOR,
    TRACED,
)
from monban.store.audit import AuditEvent

SRC = Path(monban.__file__).parent
PLACEHOLDER = re.compile(r"%\(\w+\)s")
GENERIC = {"%(policy)s: passed (%(values)s)", "%(policy)s: refused (%(values)s)"}
T0 = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def _module_name(path: Path) -> str:
    return ".".join(("monban", *path.relative_to(SRC).with_suffix("").parts))


def _resolve(node: ast.expr, module: Any, cls: str | None) -> object:
    """The value a note's first argument names: a literal, a module constant, `self.name`
    in a class, or `CONSTANT.name`."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return getattr(module, node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = getattr(module, cls) if node.value.id == "self" and cls else getattr(
            module, node.value.id)
        return getattr(owner, node.attr)
    raise AssertionError(f"{module.__name__}: a trace name that cannot be read: "
                         f"{ast.unparse(node)}")


def _traced_in(path: Path) -> Iterator[tuple[str, object]]:
    tree = ast.parse(path.read_text())
    module = None
    classes = {id(n): c.name for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
               for n in ast.walk(c)}
    for node in ast.walk(tree):
        first: ast.expr | None = None
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "note" and len(node.args) >= 2):
            first = node.args[0]  # ctx.note(NAME, passed, **values)
        elif isinstance(node, ast.Dict):  # a step written out: {"policy": NAME, ...}
            for key, value in zip(node.keys, node.values, strict=True):
                if (isinstance(key, ast.Constant) and key.value == "policy"
                        and isinstance(value, ast.Constant | ast.Name)):
                    first = value
        if first is None:
            continue
        module = module or importlib.import_module(_module_name(path))
        yield f"{path.relative_to(SRC)}:{node.lineno}", _resolve(first, module,
                                                                 classes.get(id(node)))


def traced_names() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        for where, name in _traced_in(path):
            assert isinstance(name, str), where
            found.setdefault(name, where)
    return found


def test_the_trace_names_are_found() -> None:
    names = traced_names()
    assert {"allowed_ips", "attempt_lockout", "password", "signin_restriction",
            "password_age", "concurrent_session_limit", "same_factor"} <= set(names)


@pytest.mark.parametrize(("name", "where"), sorted(traced_names().items()))
def test_every_traced_name_is_a_declared_step(name: str, where: str) -> None:
    assert name in BY_NAME, f"{where} notes {name!r}, which signin/policies.py does not declare"


@pytest.mark.parametrize("step", TRACED, ids=lambda s: s.name)
def test_every_step_has_a_label_and_sentences_in_japanese(step: Any) -> None:
    ja = gettext_for("ja")
    for msgid in (step.label, step.passed, step.refused):
        assert ja(msgid) != msgid, f"untranslated: {msgid}"
        assert set(PLACEHOLDER.findall(ja(msgid))) == set(PLACEHOLDER.findall(msgid)), msgid


@pytest.mark.parametrize("name", sorted(traced_names()))
@pytest.mark.parametrize("passed", [True, False])
def test_diagnostics_say_every_step_in_words(name: str, passed: bool) -> None:
    assert policy_label(name).msgid != name
    trace = [{"policy": name, "passed": passed, "values": {}}]
    event = AuditEvent(at=T0, event="signin.password", outcome="failure",
                       code="SIGNIN_METHOD_NOT_ALLOWED", account_id="a1", ip="203.0.113.5",
                       detail={"trace": trace}, id=1)
    explained = explain(event, Facts(now=T0, account=None, org=None, settings=OrgSettings()))
    assert explained is not None
    said = explained.steps[0].says
    assert said.msgid not in GENERIC
    ja, en = speaker("ja"), speaker("en")
    assert _untranslated(said) == [] and ja(said) and en(said)


def _untranslated(line: Line) -> list[str]:
    ja = gettext_for("ja")
    nested = [v for v in line.values.values() if isinstance(v, Line)]
    own = [line.msgid] if line.msgid and ja(line.msgid) == line.msgid else []
    return own + [m for v in nested for m in _untranslated(v)]


@pytest.mark.parametrize("policy", [*BEFORE_SECRET, *AFTER_SECRET, PASSWORD_AGE, SAME_FACTOR],
                         ids=lambda p: p.name)
def test_every_policy_unit_says_who_can_fix_it(policy: Any) -> None:
    assert policy.name in READERS
