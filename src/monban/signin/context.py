"""What a policy sees, and the trace it leaves for the audit log and the diagnostics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monban.accounts.model import Account, Org
from monban.accounts.org_settings import OrgSettings
from monban.signin.request_info import RequestInfo
from monban.store.counters import CountedFor, Counters
from monban.store.ip_rules import IpRule


@dataclass(frozen=True, slots=True)
class PolicyStep:
    policy: str
    passed: bool
    values: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"policy": self.policy, "passed": self.passed, "values": self.values}


@dataclass(slots=True)
class PolicyContext:
    account: Account
    org: Org | None
    settings: OrgSettings
    request: RequestInfo
    now: datetime
    account_ip_rules: Sequence[IpRule]
    org_ip_rules: Sequence[IpRule]
    counters: Counters
    known_browser: bool = False
    restricted: bool = False
    """The account's owner turned "restrict sign-in" on in the authenticator app."""
    flow_id: str | None = None
    trace: list[PolicyStep] = field(default_factory=list)
    undo: list[Any] = field(default_factory=list)
    """Coroutine factories that roll back what passed policies counted, should a later
    step refuse the sign-in."""

    def note(self, policy: str, passed: bool, **values: Any) -> None:
        self.trace.append(PolicyStep(policy, passed, values))

    def counted_for(self) -> CountedFor:
        """Whose attempt this is, for the counters' audit rows."""
        return CountedFor(account_id=self.account.id or None,  # "" while nobody is known
                          org_id=self.org.id if self.org else None, ip=str(self.request.ip),
                          user_agent=self.request.user_agent[:512], flow_id=self.flow_id)

    def day(self) -> str:
        """Today in the org's time zone (UTC for personal accounts), as YYYY-MM-DD."""
        return self.now.astimezone(ZoneInfo(self.settings.timezone)).date().isoformat()
