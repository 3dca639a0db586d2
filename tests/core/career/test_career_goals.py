"""Goal progress (key results, linked tasks), overdue and at-risk flags, and `goal_details`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.career_helpers import TODAY, goal, make_vault, page, rows_of, task

from solo.core.career import progress as career
from solo.core.engine.index import Row
from solo.core.vault import Vault


def progress_of(tmp_path: Path, files: dict[str, str], stem: str = "g") -> career.GoalProgress:
    rows = rows_of(tmp_path, files)
    row = next(r for r in rows if r.path == f"goals/{stem}.md")
    return career.goal_progress(row, rows, TODAY)


def test_acceptance_two_key_results_give_a_quarter(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 1, current = 0 }, { name = \"B\", target = 10, current = 5 }]"
    gp = progress_of(tmp_path, goal(key_results=krs))
    assert gp.method == "key_results"
    assert gp.progress == pytest.approx(0.25)
    assert [k.progress for k in gp.key_results] == [0.0, 0.5]


@pytest.mark.parametrize(("target", "current", "expected"), [
    (10, 15, 1.0),      # over target counts as done, never more
    (10, -3, 0.0),      # below zero is not started
    (0, 0, 1.0),        # "bring it down to zero": done at zero
    (0, 2, 0.0),        # ... not done while above zero
    (0, -1, 1.0),
    (-30, -15, 0.5),    # a negative target ("-30 % cost") works as a ratio
    (4, 1, 0.25),
])
def test_key_result_progress_rules(target: float, current: float, expected: float) -> None:
    assert career.key_result_progress(target, current) == pytest.approx(expected)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_key_result_progress_is_always_a_share(target: float, current: float) -> None:
    assert 0.0 <= career.key_result_progress(target, current) <= 1.0


def test_target_zero_and_missing_current_in_a_goal_file(tmp_path: Path) -> None:
    krs = ("[{ name = \"Open incidents\", target = 0, current = 0 },"
           " { name = \"Talks\", target = 2 }]")  # no current: 0
    gp = progress_of(tmp_path, goal(key_results=krs))
    assert gp.progress == pytest.approx(0.5)


def test_without_key_results_the_share_of_linked_tasks_done(tmp_path: Path) -> None:
    files = {**goal(), **task("a", "done", "g"), **task("b", "done", "[[g]]"),
             **task("c", "next", "g"), **task("d", "cancelled", "g"),
             **task("e", "done", "other-goal"), **task("f", "done")}
    gp = progress_of(tmp_path, files)
    assert gp.method == "tasks"
    assert (gp.tasks_done, gp.tasks_total) == (2, 3)  # cancelled left out, others not linked
    assert gp.progress == pytest.approx(2 / 3)


def test_tasks_linked_by_id_count(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", goal())
    with Vault(root) as vault:
        goal_id = vault.rows("goal")[0].doc_id
        vault.create("task", "By id", {"status": "done", "goal": goal_id[:8]})
        vault.create("task", "By full id", {"status": "next", "goal": goal_id})
        rows = vault.rows()
    gp = career.goal_progress(next(r for r in rows if r.kind == "goal"), rows, TODAY)
    assert (gp.tasks_done, gp.tasks_total) == (1, 2)


def test_no_key_results_and_no_tasks_is_zero(tmp_path: Path) -> None:
    gp = progress_of(tmp_path, goal())
    assert (gp.progress, gp.method) == (0.0, "none")


def test_achieved_goal_is_done(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 3, current = 1 }]"
    gp = progress_of(tmp_path, goal(status='"achieved"', key_results=krs, target="2026-01-01"))
    assert (gp.progress, gp.method, gp.overdue, gp.at_risk) == (1.0, "status", False, False)


def test_malformed_key_results_are_skipped(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 4, current = 2 }]"
    rows = rows_of(tmp_path, goal(key_results=krs))
    row = rows[0]
    bad = dict(row.fields, key_results=[{"name": "x"}, "junk", {"name": "A", "target": 4,
                                                                "current": 2}])
    gp = career.goal_progress(Row(**{**row.__dict__, "fields": bad}), rows, TODAY)
    assert gp.progress == pytest.approx(0.5)


def test_overdue_goal(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 4, current = 3 }]"
    gp = progress_of(tmp_path, goal(key_results=krs, target="2026-11-01", created="2026-01-01"))
    assert gp.overdue and not gp.at_risk
    assert gp.days_left == -25
    assert "passed" in gp.reasons[0]


def test_at_risk_when_near_and_behind_the_time_elapsed(tmp_path: Path) -> None:
    # 90 days from created to target, 80 gone (89 %), 50 % done, 10 days left
    krs = "[{ name = \"A\", target = 4, current = 2 }]"
    gp = progress_of(tmp_path, goal(key_results=krs, created="2026-09-07",
                                    target="2026-12-06"))
    assert gp.days_left == 10 and gp.elapsed == pytest.approx(80 / 90)
    assert gp.behind and gp.at_risk and not gp.overdue


def test_not_at_risk_when_far_even_if_behind(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 10, current = 1 }]"
    gp = progress_of(tmp_path, goal(key_results=krs, created="2026-01-01",
                                    target="2027-01-31"))
    assert gp.behind and not gp.at_risk


def test_not_at_risk_when_near_but_ahead(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 10, current = 9 }]"
    gp = progress_of(tmp_path, goal(key_results=krs, created="2026-09-01",
                                    target="2026-12-10"))
    assert not gp.behind and not gp.at_risk


def test_at_risk_with_little_progress_and_no_created_date(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 10, current = 2 }]"
    gp = progress_of(tmp_path, goal(key_results=krs, target="2026-12-20"))
    assert gp.elapsed is None and gp.at_risk
    assert "only 20% done" in gp.reasons[0]


def test_paused_goal_is_never_flagged(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 10, current = 0 }]"
    gp = progress_of(tmp_path, goal(status='"paused"', key_results=krs, target="2026-11-01"))
    assert not (gp.overdue or gp.at_risk or gp.behind)


def test_goal_details_has_progress_and_everything_linked(tmp_path: Path) -> None:
    files = {
        **goal(key_results="[{ name = \"A\", target = 2, current = 1 }]",
               skills='["sql", "no-file-skill"]'),
        **task("t1", "done", "g", done="2026-11-20"),
        "achievements/win.md": page('title = "Shipped"\ndate = 2026-11-20\nimpact = "Big"\n'
                                    'goal = "g"\nskills = ["sql"]'),
        "learning/course.md": page('title = "SQL course"\nstatus = "done"\ngoal = "g"\n'
                                   'hours = 5\ncost = 10\ncurrency = "EUR"'),
        "skills/sql.md": page('title = "SQL"\nlevel = 2\ntarget_level = 4'),
        **task("other", "next"),
    }
    rows = rows_of(tmp_path, files)
    details = career.goal_details(rows, next(r for r in rows if r.kind == "goal"), TODAY)
    assert details["progress"] == 0.5
    assert [t["stem"] for t in details["tasks"]] == ["t1"]
    assert details["tasks"][0]["status"] == "done"
    assert details["achievements"][0]["impact"] == "Big"
    assert details["learning"][0]["hours"] == 5
    assert details["skills"][0]["level"] == 2 and details["skills"][0]["target_level"] == 4
    assert details["skills"][1] == {"stem": "no-file-skill", "title": "no-file-skill",
                                    "missing": True}
    assert details["key_results"][0]["name"] == "A"
    assert isinstance(details["goal"]["id"], str)


def test_goals_progress_orders_by_target_and_series(tmp_path: Path) -> None:
    files = {**goal("late", target="2027-06-01"), **goal("soon", target="2026-12-01"),
             **goal("none"), **goal("gone", status='"dropped"', target="2026-01-01")}
    rows = rows_of(tmp_path, files)
    assert [g.goal.stem for g in career.goals_progress(rows, TODAY)] == \
        ["gone", "soon", "late", "none"]
    assert [t for t, _ in career.progress_series(rows, TODAY)] == \
        ["Goal soon", "Goal late", "Goal none"]


def test_refs_resolve_stems_paths_and_ids(tmp_path: Path) -> None:
    rows = rows_of(tmp_path, {**goal("cloud"), **task("t", "next")})
    refs = career.Refs(rows)
    g = next(r for r in rows if r.kind == "goal")
    assert refs.get("cloud") == g and refs.get("[[Cloud]]") == g
    assert refs.get("goals/cloud.md") == g and refs.get(g.short_id) == g
    assert refs.get("cloud", "task") is None and refs.get("nothing") is None
    assert career.jsonable({"d": dt.date(2026, 1, 2), "x": (1.23456,)}) == \
        {"d": "2026-01-02", "x": [1.2346]}
