"""Mail tests: the mail servers' shared secret is set, and IMAP sits behind nginx at a
made-up address (the in-process tests only read it back)."""

from __future__ import annotations

import pytest

from monban.config import Settings
from tests.mail import MAIL_TOKEN


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.mail_auth_token = MAIL_TOKEN
    settings.mail_backend_imap = "127.0.0.1:1143"
    return settings
