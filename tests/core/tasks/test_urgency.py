"""Urgency: Taskwarrior's due ramp and coefficients, Solo's additions, config overrides."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.rows import task_row

from solo.core.planning.filters import Context
from solo.core.planning.urgency import (
    DEFAULT_COEFFICIENTS,
    UrgencyConfigError,
    annotation_count,
    coefficients,
    due_factor,
    rank,
    score,
)

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 0, 0)


@pytest.mark.parametrize(
    ("due", "factor"),
    [(None, 0.0), (TODAY - dt.timedelta(days=7), 1.0), (TODAY - dt.timedelta(days=30), 1.0),
     (TODAY, 0.2 + 14 * 0.8 / 21), (TODAY + dt.timedelta(days=14), 0.2),
     (TODAY + dt.timedelta(days=100), 0.2)],
)
def test_due_ramp_is_taskwarriors(due: dt.date | None, factor: float) -> None:
    assert due_factor(due, NOW) == pytest.approx(factor)


@given(st.integers(-400, 400), st.integers(-400, 400))
def test_due_ramp_is_monotonic_and_bounded(a: int, b: int) -> None:
    first, second = (due_factor(TODAY + dt.timedelta(days=d), NOW) for d in sorted((a, b)))
    assert 0.2 <= second <= first <= 1.0


def test_terms_add_up() -> None:
    rows = [task_row("A", status="next", priority="high", tags=["x"], project="p",
                     created=TODAY - dt.timedelta(days=365), due=TODAY + dt.timedelta(days=14)),
            task_row("B", depends=["a"], status="someday"),
            task_row("Goal", kind="goal", status="active"),
            task_row("C", goal="goal", scheduled=TODAY, status="waiting")]
    ctx = Context.at(TODAY, rows, NOW)
    coeffs = coefficients()
    a = score(rows[0], ctx, coeffs)
    assert dict(a.terms) == {"next": 15.0, "blocking": 8.0, "priority": 6.0,
                             "due": pytest.approx(2.4), "age": 2.0, "tags": 0.8,
                             "project": 1.0}
    assert a.total == pytest.approx(35.2)
    b = score(rows[1], ctx, coeffs)
    assert dict(b.terms) == {"blocked": -5.0, "someday": -6.0}
    c = score(rows[3], ctx, coeffs, goals_at_risk=frozenset({"goals/goal.md"}))
    assert dict(c.terms) == {"scheduled": 5.0, "goal_at_risk": 4.0, "waiting": -3.0}
    assert [r.title for r, _ in rank(rows, ctx, coeffs)] == ["A", "C", "B"]  # goals dropped


def test_closed_tasks_score_zero() -> None:
    row = task_row("Done", status="done", priority="high")
    assert score(row, Context.at(TODAY, [row], NOW), coefficients()).total == 0.0


def test_annotations_count_dated_lines_when_turned_on() -> None:
    body = "Notes\n- 2026-11-20: called\n- 2026-11-21 09:30: again\n- plain line\n"
    assert annotation_count(body) == 2
    row = task_row("A")
    coeffs = coefficients({"annotations": 1.0})
    assert dict(score(row, Context.at(TODAY, [row], NOW), coeffs, annotations=2).terms) == {
        "annotations": 0.9}


def test_overrides_are_checked() -> None:
    assert coefficients({"due": 3})["due"] == 3.0
    assert coefficients()["next"] == DEFAULT_COEFFICIENTS["next"]
    with pytest.raises(UrgencyConfigError, match="urgency.priorty_high .*did you mean priority_high"):
        coefficients({"priorty_high": 1})
    with pytest.raises(UrgencyConfigError, match="urgency.due must be a number"):
        coefficients({"due": "high"})
    with pytest.raises(UrgencyConfigError, match="age_max"):
        coefficients({"age_max": 0})
