"""Who the provider says signed in, once its answer is verified."""

from __future__ import annotations

from dataclasses import dataclass, field

from monban.errors import CatalogueError


@dataclass(frozen=True, slots=True)
class UpstreamIdentity:
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str
    amr: tuple[str, ...] = field(default=())

    @property
    def did_mfa(self) -> bool:
        return "mfa" in self.amr


def refused(provider: str, reason: str) -> CatalogueError:
    """FEDERATED_RESPONSE_INVALID: the provider's answer failed a check (`reason` is for the
    audit log and the API's detail: never a token or a code)."""
    return CatalogueError("FEDERATED_RESPONSE_INVALID", detail={"reason": reason},
                       provider=provider)


def unreachable(provider: str, reason: str) -> CatalogueError:
    return CatalogueError("FEDERATED_PROVIDER_ERROR", detail={"reason": reason},
                       provider=provider)
