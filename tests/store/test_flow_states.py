"""The flow state machines (store/flow_states.py) and the one way flows are read
(signin/flow_access.py): every declared move works through `flows.advance`, any other move is
a programming error, and no module reads a flow around the binder check."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from monban.runtime import Runtime
from monban.store import flows
from monban.store.flow_states import (
    FIRST,
    MACHINES,
    FlowKind,
    FlowState,
    IllegalTransition,
    kinds_allowing,
)
from monban.store.ids import new_token
from tests.factors import pg_runtime  # noqa: F401 (a fixture)

SRC = Path(__file__).resolve().parents[2] / "src" / "monban"


def test_every_state_belongs_to_a_machine_and_every_machine_is_closed() -> None:
    used = {state for machine in MACHINES.values() for state in machine}
    assert used == set(FlowState)
    for kind, machine in MACHINES.items():
        assert FIRST[kind] in machine
        for source, targets in machine.items():
            assert targets <= set(machine), (kind, source, targets - set(machine))


def test_every_state_is_reachable_from_the_first() -> None:
    for kind, machine in MACHINES.items():
        seen, todo = {FIRST[kind]}, [FIRST[kind]]
        while todo:
            for target in machine[todo.pop()]:
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        unreachable = set(machine) - seen - {FlowState.QR}  # a QR flow starts approved
        assert not unreachable, (kind, unreachable)


def test_done_is_final() -> None:
    for machine in MACHINES.values():
        assert machine.get(FlowState.DONE, frozenset()) == frozenset()


@pytest.mark.parametrize(("sources", "target"), [
    ((FlowState.DONE,), FlowState.PASSWORD),
    ((FlowState.MFA_ENROLL,), FlowState.MFA),
    ((FlowState.PASSWORD_CHANGE,), FlowState.DONE),  # never around the new password
    ((FlowState.R_CHOOSE,), FlowState.R_NEW_PASSWORD),  # never around the code
    ((FlowState.FEDERATED_REDIRECTED,), FlowState.FEDERATED),
    ((FlowState.PENDING,), FlowState.DONE),
    ((), FlowState.DONE),
])
def test_an_undeclared_move_is_a_programming_error(sources: tuple[FlowState, ...],
                                                   target: FlowState) -> None:
    with pytest.raises(IllegalTransition):
        kinds_allowing(sources, target)


def test_a_move_is_allowed_only_for_the_kinds_that_declare_it() -> None:
    assert kinds_allowing((FlowState.PASSWORD,), FlowState.MFA) == ["signin"]
    assert set(kinds_allowing((FlowState.MFA,), FlowState.DONE)) == {"signin", "federated"}
    assert kinds_allowing((FlowState.R_PASSWORD,), FlowState.MFA_ENROLL) == ["recovery"]


async def test_advance_checks_the_machine_and_the_kind(runtime: Runtime) -> None:
    await _advance_checks(runtime)


async def test_advance_checks_on_postgresql(pg_runtime: Runtime) -> None:  # noqa: F811
    await _advance_checks(pg_runtime)


async def _advance_checks(runtime: Runtime) -> None:
    now = runtime.clock.now()
    flow = flows.Flow(id=new_token(), kind=FlowKind.RECOVERY, state=FlowState.R_CODE,
                      account_id=None, ip="192.0.2.1", user_agent="t", device_id=None,
                      keep_signed_in=False, created_at=now, expires_at=now + timedelta(minutes=5),
                      binder_hash=flows.binder_hash("b" * 43))
    await runtime.db.run(flows.insert, flow)
    with pytest.raises(IllegalTransition):
        await runtime.db.run(flows.advance, flow.id, (FlowState.R_CODE,), FlowState.PASSWORD,
                             now)
    # Declared for sign-in flows, not for recovery ones: this flow does not move.
    assert not await runtime.db.run(flows.advance, flow.id, (FlowState.PASSWORD,),
                                    FlowState.MFA, now)
    assert await runtime.db.run(flows.advance, flow.id, (FlowState.R_CODE,), FlowState.R_MFA,
                                now)
    moved = await runtime.db.run(flows.get, flow.id)
    assert moved is not None and moved.state is FlowState.R_MFA
    assert moved.kind is FlowKind.RECOVERY


def _calls(name: str) -> set[str]:
    """Modules under src/monban that call `name` (an attribute or a bare name)."""
    found = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            target = node.func if isinstance(node, ast.Call) else node
            if (isinstance(target, ast.Attribute) and target.attr == name
                    and isinstance(target.value, ast.Name) and target.value.id == "flows") \
                    or (isinstance(target, ast.Name) and target.id == name):
                found.add(str(path.relative_to(SRC)))
    return found


def test_no_module_reads_a_flow_around_the_binder_check() -> None:
    """store.flows.get and the unbound loader are used by signin/flow_access.py only (and a
    push answer's lockout count, which tells the caller nothing about the flow)."""
    assert _calls("get") >= {"signin/flow_access.py"}
    readers = {m for m in _calls("get") if "flows.get" in (SRC / m).read_text()}
    assert readers == {"signin/flow_access.py"}
    assert _calls("load_unbound") == {"signin/flow_access.py", "devices/service.py"}


def test_no_state_is_written_as_a_string() -> None:
    """The states' values appear only in store/flow_states.py: every module names them by
    the enum."""
    values = {f'"{s.value}"' for s in FlowState if s.value not in _AMBIGUOUS}
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "flow_states.py":
            continue
        text = path.read_text()
        offenders += [f"{path.relative_to(SRC)}: {v}" for v in values if v in text]
    assert not offenders, offenders


_AMBIGUOUS = {"password", "mfa", "done", "pending", "federated", "qr", "session_limit",
              "password_change"}
"""Values that are also words used elsewhere (a form field, an amr value, a support
request's status, a kind, a policy's name in a trace): not searched for."""
