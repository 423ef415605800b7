"""The help topics cover the whole error catalogue and are complete in both languages."""

from __future__ import annotations

import re

import pytest

from monban.errors import CATALOGUE
from monban.help.topics import TOPICS, Topic, TopicText, topic_for

# Fixed here, not imported, so that widening the module's sets fails the tests.
ALLOWED_SECTIONS = {"signin_errors", "mfa", "mail_clients", "forgot_password", "other"}
ALLOWED_ACTIONS = {
    "signin",
    "reset_password",
    "use_backup_code",
    "sign_in_another_way",
    "app_password",
    "end_other_sessions",
    "manage_allowed_ips",
    "contact_admin",
    "contact_support",
    "security_page",
}
JAPANESE = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff]")
EXTRA_SLUGS = {"BROWSER_CLOSE_SIGNOUT"}

ALL_TOPICS = sorted(TOPICS.values(), key=lambda t: t.slug)


def _texts(topic: Topic) -> list[tuple[str, TopicText]]:
    return [("ja", topic.ja), ("en", topic.en)]


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_catalogue_code_has_a_topic(code: str) -> None:
    topic = topic_for(code)
    assert topic is not None, f"{code} has no help topic"
    assert topic.slug == code


def test_browser_close_signout_topic_exists() -> None:
    topic = topic_for("BROWSER_CLOSE_SIGNOUT")
    assert topic is not None
    assert topic.section == "other"
    assert "Webブラウザーを閉じるたびに" in topic.ja.title


def test_no_topic_without_a_code() -> None:
    assert set(TOPICS) - set(CATALOGUE) == EXTRA_SLUGS


def test_topic_for_unknown_slug_is_none() -> None:
    assert topic_for("NO_SUCH_CODE") is None


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=lambda t: t.slug)
def test_keys_match_slugs(topic: Topic) -> None:
    assert TOPICS[topic.slug] is topic


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=lambda t: t.slug)
def test_texts_are_complete(topic: Topic) -> None:
    for language, text in _texts(topic):
        where = f"{topic.slug}.{language}"
        assert text.title.strip(), f"{where}: empty title"
        assert text.what_happened.strip(), f"{where}: empty what_happened"
        assert text.who_can_fix.strip(), f"{where}: empty who_can_fix"
        assert isinstance(text.steps, tuple), f"{where}: steps must be a tuple"
        assert text.steps, f"{where}: no steps"
        for number, step in enumerate(text.steps, 1):
            assert isinstance(step, str) and step.strip(), f"{where}: step {number} is empty"


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=lambda t: t.slug)
def test_ja_and_en_have_the_same_number_of_steps(topic: Topic) -> None:
    assert len(topic.ja.steps) == len(topic.en.steps)


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=lambda t: t.slug)
def test_section_is_known(topic: Topic) -> None:
    assert topic.section in ALLOWED_SECTIONS, f"{topic.slug}: section {topic.section!r}"


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=lambda t: t.slug)
def test_actions_are_known(topic: Topic) -> None:
    assert isinstance(topic.actions, tuple)
    unknown = set(topic.actions) - ALLOWED_ACTIONS
    assert not unknown, f"{topic.slug}: unknown actions {sorted(unknown)}"
    assert len(set(topic.actions)) == len(topic.actions), f"{topic.slug}: repeated action"


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=lambda t: t.slug)
def test_ja_text_is_japanese(topic: Topic) -> None:
    fields = [topic.ja.title, topic.ja.what_happened, topic.ja.who_can_fix, *topic.ja.steps]
    for value in fields:
        assert JAPANESE.search(value), f"{topic.slug}.ja has no Japanese: {value!r}"


@pytest.mark.parametrize("topic", ALL_TOPICS, ids=lambda t: t.slug)
def test_no_support_email_address(topic: Topic) -> None:
    for _, text in _texts(topic):
        for value in (text.title, text.what_happened, text.who_can_fix, *text.steps):
            assert "zoho" not in value.lower()


def test_invalid_otp_has_the_time_sync_steps() -> None:
    topic = topic_for("INVALID_OTP")
    assert topic is not None
    steps = "".join(topic.ja.steps)
    assert "自動設定" in steps
    assert "同期" in steps
    assert "日付と時刻" in steps
    assert "コードの時刻修正" in steps


def test_security_key_failed_has_the_key_steps() -> None:
    topic = topic_for("SECURITY_KEY_FAILED")
    assert topic is not None
    steps = "".join(topic.ja.steps)
    for needle in ("LED", "Windows", "Mac", "dmesg"):
        assert needle in steps


@pytest.mark.parametrize("code", ["SIGNIN_RESTRICTED", "AUTHENTICATOR_UPDATE_REQUIRED"])
def test_app_placeholder_is_kept(code: str) -> None:
    topic = topic_for(code)
    assert topic is not None
    for _, text in _texts(topic):
        assert "{app}" in text.what_happened + "".join(text.steps)


def test_placeholders_are_only_app_and_provider() -> None:
    placeholder = re.compile(r"\{([^{}]*)\}")
    for topic in ALL_TOPICS:
        for _, text in _texts(topic):
            for value in (text.title, text.what_happened, text.who_can_fix, *text.steps):
                assert set(placeholder.findall(value)) <= {"app", "provider"}, topic.slug
