"""Send limits: whether a message may leave, decided once for every SMS, email and push
(`Senders.send` in senders.py asks `SendLimiter.admit` before any transport runs).

Two rules, in this order:

1. An org's `sms_countries` (ISO 3166 codes; [] = any): a text to a number of another
   country is refused with SMS_COUNTRY_NOT_ALLOWED (the region comes from phonenumbers).
2. Hourly counts in the shared counters (store/counters.py `take_quotas`: SQL or Redis, so
   every node counts together), taken all or none; the first full one refuses the send with
   SEND_LIMIT_REACHED (429, `detail.scope` and `detail.retry_after`). Which counts a message
   takes depends on its kind (outgoing.py):

   | kind            | counts                                                          |
   |-----------------|-----------------------------------------------------------------|
   | verify, reply   | destination (any account), account, source, org                 |
   | code            | destination for this account, account, source, org              |
   | push            | account, source, org                                            |
   | notice          | this notice to this address only                                |

Defaults (server settings `MONBAN_SEND_LIMIT_*`, per hour; 0 = no limit), and why:

- destination 5: a person needs one code, maybe a resend or two; five texts an hour to one
  number is already a nuisance, and it is what makes pumping one premium number worthless.
- account 10: enrolling a factor, a sign-in with a resend and a recovery fit easily; the issue's
  150 numbers from one account stop after 10.
- source 20 (an IPv6 client counts by its /64, which one host usually holds whole): what
  stops one machine driving many accounts; an office behind one NAT address that signs
  everyone in by SMS or email code may need it raised.
- org 1000: a ceiling on what one org's members can cost per hour, far above a normal
  morning (a 5,000-person org does not sign everyone in by code within one hour).
- notice 5 per notice per address: security notices are never blocked by the counts above
  (an attacker could fill those to hide what they do next); counting each notice's subject
  apart means spamming "contact added" cannot silence "password changed".

Refusals are audited (`send.refused`: the code, kind, channel, scope, a masked destination
and a keyed hash of it), never the message or the code in it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from ipaddress import IPv6Address, ip_network

import phonenumbers

from monban.accounts.identifiers import normalise_email, normalise_phone
from monban.accounts.org_settings import DEFAULT_SETTINGS, OrgSettings
from monban.clock import Clock
from monban.config import Settings
from monban.crypto.sealing import derive_key
from monban.db.database import Database
from monban.errors import CatalogueError, ErrorCode
from monban.factors.one_time_codes import mask
from monban.network.client_ip import IPAddress
from monban.notify.outgoing import Origin, Outgoing
from monban.store import audit, orgs
from monban.store.counters import Counters, Quota

WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SendLimits:
    per_destination: int = 5
    per_account: int = 10
    per_source: int = 20
    per_org: int = 1000
    per_notice: int = 5

    @classmethod
    def from_settings(cls, settings: Settings) -> SendLimits:
        return cls(settings.send_limit_per_destination, settings.send_limit_per_account,
                   settings.send_limit_per_source, settings.send_limit_per_org,
                   settings.send_limit_per_notice)


class SendLimiter:
    def __init__(self, counters: Counters, db: Database, clock: Clock, secret_key: str,
                 limits: SendLimits) -> None:
        self._counters = counters
        self._db = db
        self._clock = clock
        self._key = derive_key(secret_key, "send-limits")
        self._limits = limits

    async def admit(self, message: Outgoing, origin: Origin) -> None:
        """Count the message, or raise SMS_COUNTRY_NOT_ALLOWED / SEND_LIMIT_REACHED (audited)
        and count nothing."""
        account = origin.account
        settings = await self._org_settings(account.org_id if account else None)
        if message.channel == "sms" and settings.sms_countries:
            region = region_of(message.to)
            if region not in settings.sms_countries:
                await self._refuse(message, origin, "SMS_COUNTRY_NOT_ALLOWED",
                                   {"country": region or "unknown"})
        now = self._clock.now()
        scopes = self.quotas(message, origin)
        refused = await self._counters.take_quotas([quota for _, quota in scopes], now)
        if refused is None:
            return
        scope = next(name for name, quota in scopes if quota is refused)
        end = refused.window_start(now) + refused.window
        await self._refuse(message, origin, "SEND_LIMIT_REACHED", {
            "scope": scope, "retry_after": max(int((end - now).total_seconds()), 1)})

    def quotas(self, message: Outgoing, origin: Origin) -> list[tuple[str, Quota]]:
        """(scope, quota) for each count this message takes (a limit of 0 takes none)."""
        limits, account = self._limits, origin.account
        destination = self.destination_hash(message)
        if message.kind == "notice":
            topic = self._hash(f"notice:{message.subject}")[:16]
            wanted = [("notice", f"notice:{topic}:{destination}", limits.per_notice)]
        else:
            wanted = []
            if message.kind in ("verify", "reply"):
                wanted.append(("destination", f"dest:{destination}", limits.per_destination))
            elif message.kind == "code":
                owner = account.id if account else "-"
                wanted.append(("destination", f"dest:{destination}:{owner}",
                               limits.per_destination))
            if account is not None:
                wanted.append(("account", f"acct:{account.id}", limits.per_account))
            if origin.ip is not None:
                wanted.append(("source", f"src:{source_of(origin.ip)}", limits.per_source))
            if account is not None and account.org_id:
                wanted.append(("org", f"org:{account.org_id}", limits.per_org))
        return [(scope, Quota(f"send:{key}", limit, WINDOW))
                for scope, key, limit in wanted if limit > 0]

    def destination_hash(self, message: Outgoing) -> str:
        """A keyed hash of the normalised destination: counters and audit rows never hold
        the number or address itself."""
        return self._hash(f"{message.channel}:{normalised(message)}")[:32]

    def _hash(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    async def _org_settings(self, org_id: str | None) -> OrgSettings:
        if not org_id:
            return DEFAULT_SETTINGS
        org = await self._db.run(orgs.get, org_id, write=False)
        return org.settings if org else DEFAULT_SETTINGS

    async def _refuse(self, message: Outgoing, origin: Origin, code: ErrorCode,
                      detail: dict[str, object]) -> None:
        account = origin.account
        shown = mask(message.to) if message.channel != "push" else "app"
        await self._db.run(audit.record, audit.AuditEvent(
            at=self._clock.now(), event="send.refused", outcome="failure", code=code,
            account_id=account.id if account else None,
            org_id=account.org_id if account else None,
            ip=str(origin.ip) if origin.ip else None,
            detail={"kind": message.kind, "channel": message.channel, "to": shown,
                    "to_hash": self.destination_hash(message)[:16], **detail}))
        raise CatalogueError(code, detail={"channel": message.channel, **detail})


def normalised(message: Outgoing) -> str:
    """The one form of a destination (accounts/identifiers.py), so +81 90-1234-5678 and
    +819012345678, or Hanako@Example.com and hanako@example.com, count as one."""
    try:
        if message.channel == "sms":
            return normalise_phone(message.to)
        if message.channel == "email":
            return normalise_email(message.to)
    except CatalogueError:
        pass
    return message.to.strip().lower()


def region_of(number: str) -> str | None:
    """The ISO 3166 country of an E.164 number (None when phonenumbers cannot tell)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region: str | None = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else None


def source_of(ip: IPAddress) -> str:
    """The source address a count is kept for: IPv4 as is, IPv6 by its /64."""
    if isinstance(ip, IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)
