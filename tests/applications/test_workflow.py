"""The application state machine (pure)."""

from __future__ import annotations

import pytest

from gongkai.applications import outcomes, workflow
from gongkai.applications.workflow import Status, TransitionError


def test_terminal_states_allow_nothing():
    for state in workflow.TERMINAL:
        for target in Status:
            with pytest.raises(TransitionError):
                workflow.check(state, target)


def test_every_open_state_may_be_withdrawn():
    for state in workflow.OPEN:
        workflow.check(state, Status.WITHDRAWN)


def test_no_reply_without_approval():
    for state in Status:
        if state != Status.PENDING_APPROVAL:
            assert Status.REPLIED not in workflow.ALLOWED[state]


def test_every_state_is_reachable_from_submission():
    seen, todo = {Status.SUBMITTED}, [Status.SUBMITTED]
    while todo:
        for nxt in workflow.ALLOWED[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(Status)


def test_error_message_is_chinese():
    with pytest.raises(TransitionError, match="不能变为“已答复”"):
        workflow.check(Status.PROCESSING, Status.REPLIED)


def test_outcomes_are_exactly_the_report_rows():
    import json
    from pathlib import Path

    spec = Path(__file__).resolve().parents[3] / "shared" / "spec" / "annual-report-keys.json"
    if not spec.exists():
        pytest.skip("the shared spec is not beside this checkout")
    rows = [key for key, _label in json.loads(spec.read_text("utf-8"))["2021"]["section3"]["rows"]]
    outcome_rows = [
        r for r in rows if r not in ("new_received", "carried_in", "results_total", "carried_out")
    ]
    assert list(outcomes.KEYS) == outcome_rows
    labels = dict(json.loads(spec.read_text("utf-8"))["2021"]["section3"]["rows"])
    for key in outcomes.KEYS:
        assert outcomes.full_label(key) == labels[key]


def test_2019_format_merges_other_rows():
    assert outcomes.report_row("other.fee_unpaid", 2020) == "other"
    assert outcomes.report_row("other.fee_unpaid", 2021) == "other.fee_unpaid"
    with pytest.raises(ValueError, match="不是年报"):
        outcomes.get("nonsense")
