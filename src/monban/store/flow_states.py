"""Every flow's states and the moves between them, declared once.

A flow (store/flows.py) is one attempt at signing in, getting back in, signing in with an
upstream provider, or an OpenID Connect authorization request parked while the person signs
in. Each kind has its own machine below; `flows.advance` refuses a move no machine allows
(`IllegalTransition`: a programming error, caught by tests/store/test_flow_states.py) and
moves only flows of a kind whose machine allows it.

The states are stored by value, so the values never change (rows written by earlier
releases keep their meaning); a new state is a new member plus its rows in `MACHINES`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class FlowKind(StrEnum):
    SIGNIN = "signin"
    RECOVERY = "recovery"
    FEDERATED = "federated"
    OIDC_AUTHORIZE = "oidc_authorize"


class FlowState(StrEnum):
    # signing in (signin/flow.py, second_step.py, password_change.py, passwordless.py)
    PASSWORD = "password"  # noqa: S105 - a state's name, not a secret
    PASSWORD_CHANGE = "password_change"  # noqa: S105 - a state's name, not a secret
    MFA = "mfa"
    MFA_ENROLL = "mfa_enroll"
    QR = "qr"
    """approved from the authenticator app (devices/qr_signin.py); the session is next"""
    SESSION_LIMIT = "session_limit"
    """CONCURRENT_SESSION_LIMIT: waiting for "end the other sessions" (sessions/start.py)"""
    DONE = "done"
    """finished: a session was started, or the flow was used up; never moves again"""
    # getting back in (recovery/reset.py, recovery/outcomes.py)
    R_CHOOSE = "r_choose"
    R_CODE = "r_code"
    R_MFA = "r_mfa"
    R_NEW_PASSWORD = "r_new_password"  # noqa: S105 - a state's name, not a secret
    R_SETTING = "r_setting"
    """the new password is being set (a second submit of the same flow waits out)"""
    R_PASSWORD = "r_password"  # noqa: S105 - a state's name, not a secret
    R_ALLOWED_IPS = "r_allowed_ips"
    # an upstream provider's round trip (federation/service.py)
    FEDERATED_REDIRECTED = "federated_redirect"
    FEDERATED_ANSWERED = "federated_answered"
    FEDERATED = "federated"
    """the provider's answer is proven; the rest of signing in is next"""
    # an authorization request waiting for the person to sign in (oidc/provider.py)
    PENDING = "pending"


S = FlowState
_FINISH = frozenset({S.SESSION_LIMIT, S.DONE})
"""What every "the person is proven" state may move to (sessions/start.py)."""
_SECOND_STEP = frozenset({S.MFA, S.MFA_ENROLL})

_SIGNIN: Mapping[FlowState, frozenset[FlowState]] = {
    S.PASSWORD: frozenset({S.PASSWORD, S.PASSWORD_CHANGE}) | _SECOND_STEP | _FINISH,
    S.PASSWORD_CHANGE: frozenset({S.PASSWORD}),
    S.MFA: frozenset({S.MFA}) | _FINISH,
    S.MFA_ENROLL: _FINISH,
    S.QR: _FINISH,
    S.SESSION_LIMIT: frozenset({S.DONE}),
    S.DONE: frozenset(),
}

MACHINES: Mapping[FlowKind, Mapping[FlowState, frozenset[FlowState]]] = {
    FlowKind.SIGNIN: _SIGNIN,
    FlowKind.RECOVERY: {
        S.R_CHOOSE: frozenset({S.R_CODE}),
        S.R_CODE: frozenset({S.R_CODE, S.R_MFA, S.R_NEW_PASSWORD, S.R_PASSWORD,
                             S.R_ALLOWED_IPS, S.DONE}),
        S.R_MFA: frozenset({S.R_MFA, S.R_NEW_PASSWORD, S.R_PASSWORD, S.R_ALLOWED_IPS}),
        S.R_NEW_PASSWORD: frozenset({S.R_SETTING}),
        S.R_SETTING: frozenset({S.R_NEW_PASSWORD}) | _FINISH,
        S.R_PASSWORD: frozenset({S.MFA_ENROLL}) | _FINISH,
        S.R_ALLOWED_IPS: frozenset({S.R_ALLOWED_IPS}),
        S.MFA_ENROLL: _FINISH,
        S.SESSION_LIMIT: frozenset({S.DONE}),
        S.DONE: frozenset(),
    },
    FlowKind.FEDERATED: {
        S.FEDERATED_REDIRECTED: frozenset({S.FEDERATED_ANSWERED}),
        S.FEDERATED_ANSWERED: frozenset({S.FEDERATED}),
        S.FEDERATED: _SECOND_STEP | _FINISH,
        S.MFA: frozenset({S.MFA}) | _FINISH,
        S.MFA_ENROLL: _FINISH,
        S.SESSION_LIMIT: frozenset({S.DONE}),
        S.DONE: frozenset(),
    },
    FlowKind.OIDC_AUTHORIZE: {S.PENDING: frozenset()},
}

FIRST: Mapping[FlowKind, FlowState] = {
    FlowKind.SIGNIN: S.PASSWORD, FlowKind.RECOVERY: S.R_CHOOSE,
    FlowKind.FEDERATED: S.FEDERATED_REDIRECTED, FlowKind.OIDC_AUTHORIZE: S.PENDING,
}
"""Where a new flow of each kind starts (QR sign-ins start at QR: approved already)."""

LIVE: frozenset[FlowState] = frozenset(FlowState) - {S.DONE}
"""States a flow can still move on from (if unexpired)."""


class IllegalTransition(ValueError):
    """A move no flow machine allows: a bug in the caller, never a person's mistake."""


def kinds_allowing(from_states: Iterable[str], to_state: str) -> list[str]:
    """The kinds whose machine allows moving from every one of `from_states` to `to_state`;
    IllegalTransition when there is none."""
    sources = [FlowState(s) for s in from_states]
    target = FlowState(to_state)
    kinds = [kind.value for kind, machine in MACHINES.items()
             if sources and all(target in machine.get(s, ()) for s in sources)]
    if not kinds:
        raise IllegalTransition(f"no flow moves from {sorted(sources)} to {target.value}")
    return kinds
