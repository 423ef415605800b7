"""Support-assisted recovery (the seed page's "contact support@…: after verifying your
identity a backup verification code is sent; sign in with it").

- filing.py: the person files a request without signing in and proves a contact;
- queue.py: agents work the queue: recovery facts, identity checks, approve or deny;
- facts.py, messages.py, delivery.py: what the agent sees, what the person is sent, and the
  shared audit and delivery.
"""

from __future__ import annotations

from typing import Any

from monban.runtime import Runtime
from monban.support.delivery import SupportDeps
from monban.support.filing import SupportFiling
from monban.support.queue import SupportQueue

__all__ = ["SupportDeps", "SupportFiling", "SupportQueue", "for_app", "services"]


def services(runtime: Runtime) -> tuple[SupportFiling, SupportQueue]:
    deps = SupportDeps.of(runtime)
    return SupportFiling(deps), SupportQueue(deps)


def for_app(state: Any) -> tuple[SupportFiling, SupportQueue]:
    """The services of a web app (its `app.state`), built once from its runtime."""
    made: tuple[SupportFiling, SupportQueue] | None = getattr(state, "support", None)
    if made is None:
        made = state.support = services(state.runtime)
    return made
