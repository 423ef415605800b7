"""What diagnostics and the troubleshooter say exists in Japanese too, and the troubleshooter's
questions lead somewhere real."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import monban.diagnostics
from monban.diagnostics.troubleshooter import ANSWERS, QUESTIONS, TOPIC, node, targets
from monban.help.topics import TOPICS
from monban.i18n.catalog import gettext_for

PACKAGE = Path(monban.diagnostics.__file__).parent
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def msgids() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        for call in ast.walk(ast.parse(path.read_text())):
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                    and call.func.id == "N_" and call.args
                    and isinstance(call.args[0], ast.Constant)):
                found.add(str(call.args[0].value))
    return found


def test_sentences_are_found() -> None:
    assert {"The password was wrong.", "What is happening?", "Clear the lock now"} <= msgids()


def test_every_sentence_has_a_japanese_translation_with_its_placeholders() -> None:
    ja = gettext_for("ja")
    missing = sorted(m for m in msgids() if ja(m) == m)
    assert not missing, "untranslated:\n" + "\n".join(missing)
    for msgid in msgids():
        assert set(PLACEHOLDER.findall(ja(msgid))) == set(PLACEHOLDER.findall(msgid)), msgid


def test_every_choice_leads_to_a_question_an_answer_or_a_topic() -> None:
    for target in targets():
        if target.startswith(TOPIC):
            assert target[len(TOPIC):] in TOPICS, target
        else:
            assert node(target) is not None, target


def test_every_question_and_answer_is_reachable() -> None:
    reachable = {t for t in targets() if not t.startswith(TOPIC)} | {"start"}
    assert set(QUESTIONS) | set(ANSWERS) <= reachable


def test_two_step_problems_cover_every_two_step_topic() -> None:
    mfa_topics = {slug for slug, topic in TOPICS.items() if topic.section == "mfa"}
    leads = {c.to[len(TOPIC):] for q in QUESTIONS.values() if q.id.startswith("mfa_")
             for c in q.choices if c.to.startswith(TOPIC)}
    assert mfa_topics <= leads


def test_the_error_question_lists_every_sign_in_error() -> None:
    codes = {c.code for c in QUESTIONS["error"].choices if c.code}
    assert codes == {slug for slug, t in TOPICS.items() if t.section == "signin_errors"}
