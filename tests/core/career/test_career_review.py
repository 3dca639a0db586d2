"""The weekly review draft: finished tasks, focus per goal, achievements, progress vs the last review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.career_helpers import TODAY, goal, page, rows_of, session, task

from solo.core.career import review

VAULT = {
    **goal("cert", key_results="[{ name = \"Exams\", target = 4, current = 1 }]",
           target="2026-12-10", created="2026-09-01"),
    **goal("brand", key_results="[{ name = \"Posts\", target = 10, current = 5 }]",
           target="2027-06-30"),
    **task("exam-2", "done", "cert", done="2026-11-24"),
    **task("old", "done", "cert", done="2026-11-13"),
    **task("late", "next", due="2026-11-20"),
    **task("wait", "waiting", waiting_for='"Sophie"'),
    **task("secret", "done", "cert", done="2026-11-25", private="true"),
    **task("soon", "scheduled", scheduled="2026-12-01"),
    **session("s1", "exam-2", "2026-11-24T09:00:00", 50),
    **session("s2", "late", "2026-11-25T09:00:00", 25),
    "achievements/passed.md": page('title = "Passed exam 2"\ndate = 2026-11-24\n'
                                   'impact = "78 %"\ngoal = "cert"'),
    "reviews/2026-w47.md": page('kind = "review"\nperiod = "2026-W47"\n'
                                "progress = { cert = 0.25, brand = 0.4 }"),
    "reviews/2026-w46.md": page('kind = "review"\nperiod = "2026-W46"\n'
                                "progress = { cert = 0.1, brand = 0.1 }"),
}


def test_draft_gathers_the_week(tmp_path: Path) -> None:
    draft = review.review_draft(review_rows(tmp_path), TODAY)
    assert (draft.period, draft.monday, draft.sunday) == \
        ("2026-W48", dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert [f.item.stem for f in draft.finished] == ["exam-2"]  # not last week's, not private
    assert draft.focus.per_goal == {"cert": 50, "(no goal)": 25}
    assert [a[0].stem for a in draft.achievements] == ["passed"]
    assert draft.previous_period == "2026-W47"
    changes = {c.progress.goal.stem: c for c in draft.goals}
    assert changes["cert"].previous == 0.25 and changes["cert"].delta == pytest.approx(0.0)
    assert changes["brand"].delta == pytest.approx(0.1)
    assert [u[0].stem for u in draft.next_week] == ["soon"]


def review_rows(tmp_path: Path):  # type: ignore[no-untyped-def]
    return rows_of(tmp_path, VAULT)


def test_body_and_fields_are_a_useful_draft(tmp_path: Path) -> None:
    draft = review.review_draft(review_rows(tmp_path), TODAY)
    body = review.review_body(draft)
    assert body.startswith("# Weekly review — 2026-W48 (23 to 29 November 2026)")
    assert "[[exam-2]] Task exam-2" in body
    assert "[[cert]] Goal cert: 50 min" in body
    assert "[[passed]] Passed exam 2 — 78 %" in body
    assert "[[brand]] Goal brand: 50% (+10 pts since 2026-W47)" in body
    assert "[[cert]] Goal cert: 25% (±0 pts since 2026-W47), target 2026-12-10 — **at risk**" \
        in body
    assert "no change since the last review" in body
    assert "[[late]] (due 2026-11-20)" in body and "[[wait]] (Sophie)" in body
    assert "secret" not in body
    fields = review.review_fields(draft)
    assert fields["period"] == "2026-W48" and fields["date"] == TODAY
    assert fields["progress"] == {"cert": 0.25, "brand": 0.5}
    assert fields["focus_minutes"] == 75


def test_week_53_spans_two_years(tmp_path: Path) -> None:
    files = {**task("nye", "done", done="2027-01-02"), **task("before", "done", done="2026-12-27"),
             **task("after", "done", done="2027-01-04")}
    draft = review.review_draft(rows_of(tmp_path, files), dt.date(2027, 1, 3), "2026-W53")
    assert (draft.monday, draft.sunday) == (dt.date(2026, 12, 28), dt.date(2027, 1, 3))
    assert [f.item.stem for f in draft.finished] == ["nye"]
    assert "(28 December 2026 to 3 January 2027)" in review.review_body(draft)
    first = review.review_draft(rows_of(tmp_path / "b", files), dt.date(2027, 1, 4))
    assert first.period == "2027-W01" and [f.item.stem for f in first.finished] == ["after"]


def test_bad_week_and_lookups(tmp_path: Path) -> None:
    rows = review_rows(tmp_path)
    with pytest.raises(ValueError):
        review.review_draft(rows, TODAY, "2025-W53")
    assert review.find_review(rows, "2026-w47").path == "reviews/2026-w47.md"  # type: ignore[union-attr]
    assert review.find_review(rows, "2026-W48") is None
    assert review.previous_review(rows, dt.date(2026, 11, 16)).path == "reviews/2026-w46.md"  # type: ignore[union-attr]
    assert review.previous_review(rows, dt.date(2026, 11, 9)) is None
