"""What both sides of a support request share: their dependencies, sending to the person's
contact (SMS or email), and the audit record of a step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from monban.accounts.model import Account
from monban.clock import Clock
from monban.crypto.code_hash import CodeHasher
from monban.db.database import Database
from monban.notify.outgoing import Kind, Origin, Outgoing
from monban.notify.senders import Senders
from monban.runtime import Runtime
from monban.signin.request_info import RequestInfo
from monban.store import audit
from monban.store.counters import Counters
from monban.store.support_requests import SupportRequest


@dataclass(frozen=True, slots=True)
class SupportDeps:
    db: Database
    clock: Clock
    counters: Counters
    codes: CodeHasher
    senders: Senders

    @classmethod
    def of(cls, runtime: Runtime) -> SupportDeps:
        return cls(db=runtime.db, clock=runtime.clock, counters=runtime.counters,
                   codes=CodeHasher(runtime.secret_key),
                   senders=runtime.senders)


async def deliver(senders: Senders, channel: str, target: str, sms: str,
                  mail: tuple[str, str], kind: Kind, origin: Origin) -> None:
    """One message to the contact, through the send limits; SEND_LIMIT_REACHED,
    SMS_COUNTRY_NOT_ALLOWED or SERVICE_UNAVAILABLE when it cannot go."""
    if channel == "sms":
        await senders.send(Outgoing.sms(kind, target, sms), origin)
    else:
        await senders.send(Outgoing.email(kind, target, *mail), origin)


def record(conn: Connection, at: datetime, event: str, request: SupportRequest,
           info: RequestInfo | None, *, actor: Account | None = None,
           account: Account | None = None, outcome: str = "success", code: str | None = None,
           detail: dict[str, Any] | None = None) -> None:
    """One step of a request in the audit log, under the request's id (flow_id)."""
    audit.record(conn, audit.AuditEvent(
        at=at, event=event, outcome=outcome, code=code,
        account_id=account.id if account else request.account_id,
        org_id=account.org_id if account else None,
        actor_id=actor.id if actor else None, identifier=request.identifier,
        ip=str(info.ip) if info else None, user_agent=info.user_agent if info else None,
        flow_id=request.id, detail={"request": request.id, **(detail or {})}))
