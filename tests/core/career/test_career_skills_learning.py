"""Skills matrix (levels, evidence, gaps goals depend on) and the learning plan (hours and money per year)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.career_helpers import TODAY, goal, page, rows_of

from solo.core.career import progress as career


def skill(stem: str, level: int | None, target: int | None) -> dict[str, str]:
    lines = [f'title = "{stem.upper()}"', 'category = "tech"']
    if level is not None:
        lines.append(f"level = {level}")
    if target is not None:
        lines.append(f"target_level = {target}")
    return {f"skills/{stem}.md": page("\n".join(lines))}


def learning(stem: str, status: str, **extra: str) -> dict[str, str]:
    lines = [f'title = "Course {stem}"', f'status = "{status}"']
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return {f"learning/{stem}.md": page("\n".join(lines))}


SKILL_VAULT = {
    **skill("sql", 2, 4), **skill("go", 3, 3), **skill("rust", 1, 3), **skill("nolevel", None, 4),
    **goal("data", skills='["sql", "k8s"]'),
    **goal("old", status='"dropped"', skills='["rust"]'),
    "achievements/report.md": page('title = "Fast report"\ndate = 2026-10-01\n'
                                   'impact = "10x faster"\nskills = ["sql", "go"]'),
    **learning("sql-done", "done", finished="2026-09-01", skills='["sql"]',
               certification='"SQL Pro"'),
    **learning("sql-now", "in-progress", skills='["sql"]'),
}


def test_matrix_levels_gaps_and_order(tmp_path: Path) -> None:
    matrix = career.skills_matrix(rows_of(tmp_path, SKILL_VAULT), TODAY)
    by = {s.skill.stem: s for s in matrix}
    assert (by["sql"].level, by["sql"].target_level, by["sql"].gap) == (2, 4, 2)
    assert by["go"].gap == 0 and by["nolevel"].gap == 0
    assert by["rust"].gap == 2 and by["rust"].goals == []  # only a dropped goal needs it
    assert matrix[0].skill.stem == "sql"  # biggest gap that a goal depends on first


def test_evidence_is_achievements_and_finished_learning(tmp_path: Path) -> None:
    by = {s.skill.stem: s for s in career.skills_matrix(rows_of(tmp_path, SKILL_VAULT), TODAY)}
    evidence = by["sql"].evidence
    assert [e.item.stem for e in evidence] == ["sql-done", "report"]  # oldest first
    assert evidence[0].detail == "certification: SQL Pro"
    assert evidence[1].detail == "10x faster"
    assert [e.item.stem for e in by["go"].evidence] == ["report"]


def test_gaps_goals_depend_on_including_skills_without_a_file(tmp_path: Path) -> None:
    gaps = career.skill_gaps(rows_of(tmp_path, SKILL_VAULT))
    assert [(s.skill.stem, s.missing) for s in gaps] == [("sql", False), ("k8s", True)]
    assert [g.stem for g in gaps[0].goals] == ["data"]


def test_skill_gap_series(tmp_path: Path) -> None:
    series = career.skill_gap_series(rows_of(tmp_path, SKILL_VAULT))
    assert series[0] == ("SQL", 2, 4)
    assert ("NOLEVEL", None, 4) not in series and len(series) == 3


LEARNING_VAULT = {
    **learning("a", "done", finished="2024-02-29", hours="10", cost="100", currency='"EUR"',
               created="2024-01-10"),
    **learning("b", "done", finished="2025-03-01", hours="4.5", cost="50", currency='"USD"',
               created="2024-12-20"),
    **learning("c", "in-progress", hours="20", cost="30", currency='"EUR"',
               created="2025-06-01", bought="2025-07-15", due="2025-12-01"),
    **learning("d", "planned", hours="14", cost="450", currency='"EUR"', due="2027-02-05"),
    **learning("e", "planned", cost="200", currency='"USD"'),
    **learning("f", "dropped", cost="15", created="2025-02-02"),  # no currency: EUR
    **learning("g", "in-progress", certification="true", due="2026-12-15"),
}


def test_learning_plan_groups_and_flags(tmp_path: Path) -> None:
    plan = career.learning_plan(rows_of(tmp_path, LEARNING_VAULT), TODAY)
    assert [e.item.stem for e in plan.in_progress] == ["c", "g"]  # by due date
    assert [e.item.stem for e in plan.planned] == ["d", "e"]
    assert [e.item.stem for e in plan.finished] == ["b", "a"]  # newest first
    assert [e.item.stem for e in plan.dropped] == ["f"]
    c = plan.in_progress[0]
    assert c.overdue and (c.hours, c.cost, c.currency) == (20, 30, "EUR")
    assert plan.in_progress[1].certification == "yes" and not plan.in_progress[1].overdue
    assert plan.finished[1].finished == dt.date(2024, 2, 29)  # a leap day parses


def test_learning_invested_per_year_never_mixes_currencies(tmp_path: Path) -> None:
    plan = career.learning_plan(rows_of(tmp_path, LEARNING_VAULT), TODAY)
    years = {y.year: y for y in plan.per_year}
    # hours count when finished; money when paid (`bought`, else `created`)
    assert years[2024].hours == 10 and years[2024].cost == {"EUR": 100, "USD": 50}
    assert years[2025].hours == pytest.approx(4.5)
    assert years[2025].cost == {"EUR": 45}  # c bought 2025-07-15 (30) + f dropped, paid (15)
    assert plan.planned_cost == {"EUR": 450, "USD": 200}
