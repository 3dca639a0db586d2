"""The career commands run as the real `solo` CLI on hand-written vaults and the example vault."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from support.career_helpers import (
    CLI_ENV,
    fails,
    goal,
    make_vault,
    page,
    run_solo,
    solo,
    task,
)


def test_report_goals_acceptance_a_quarter_done(tmp_path: Path) -> None:
    krs = "[{ name = \"A\", target = 1, current = 0 }, { name = \"B\", target = 10, current = 5 }]"
    root = make_vault(tmp_path / "v", goal("g", key_results=krs, target="2027-06-01"))
    data = json.loads(solo(root, "report", "goals", "--json"))
    assert data[0]["goal"]["stem"] == "g" and data[0]["progress"] == 0.25
    assert "25%" in solo(root, "report", "goals")


def test_report_brag_lists_achievements_under_their_goal(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        **goal("cert"), **goal("brand"),
        "achievements/lab.md": page('title = "Built the lab"\ndate = 2026-10-24\n'
                                    'impact = "3 of 4 domains"\ngoal = "cert"'),
        "achievements/talk.md": page('title = "Gave a talk"\ndate = 2026-10-15\ngoal = "brand"'),
        "achievements/ancient.md": page('title = "Ancient"\ndate = 2024-01-01\ngoal = "cert"'),
    })
    text = solo(root, "report", "brag")
    cert, brand = text.index("## Goal cert"), text.index("## Goal brand")
    lab, talk = text.index("Built the lab"), text.index("Gave a talk")
    assert (cert < lab < brand < talk) or (brand < talk < cert < lab)
    assert "2026-10-24" in text and "Impact: 3 of 4 domains" in text
    assert "Ancient" not in text  # default: the last 12 months
    assert "Ancient" in solo(root, "report", "brag", "--since", "2024-01-01")
    html = solo(root, "report", "brag", "--format", "html")
    assert html.startswith("<!DOCTYPE html>") and "<h2>Goal cert</h2>" in html
    data = json.loads(solo(root, "report", "brag", "--format", "json", "--until", "2026-10-20"))
    assert [s["title"] for s in data["goals"]] == ["Goal brand"]
    assert "is after" in fails(root, "report", "brag", "--since", "2026-12-01")


def test_report_spend_12_monthly_and_120_yearly_make_22_a_month(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        "stack/canva.md": page('title = "Canva"\ncategory = "subscription"\ncost = 12\n'
                               'currency = "EUR"\nperiod = "monthly"\nrenews = 2026-12-14'),
        "stack/blog.md": page('title = "Blog"\ncategory = "subscription"\ncost = 120\n'
                              'currency = "EUR"\nperiod = "yearly"\nrenews = 2027-03-02'),
        "stack/lab.md": page('title = "Lab"\ncategory = "service"\ncost = 20\n'
                             'currency = "USD"\nperiod = "monthly"'),
    })
    data = json.loads(solo(root, "report", "spend", "--json"))
    assert data["recurring_total"] == {"EUR": 22.0, "USD": 20.0}
    assert [r["item"]["stem"] for r in data["renewals"]] == ["canva"]
    text = solo(root, "report", "spend")
    lines = text.splitlines()
    assert lines[1].split() == ["22.00", "EUR", "(subscription", "22.00)"]
    assert lines[2].split()[:2] == ["20.00", "USD"]
    assert "  2026-11  22.00 EUR + 20.00 USD" in lines


def test_focus_log_shows_under_its_goal_in_report_time(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        **goal("cert", skills='["aws"]'), **task("study", "next", "cert"), **task("other", "next")})
    out = solo(root, "focus", "log", "study", "--minutes", "50", now="2026-11-26T10:00")
    assert "Logged 50 min" in out
    files = list((root / "focus").glob("*.md"))
    assert [f.name for f in files] == ["2026-11-26-0910-task-study.md"]
    fields = tomllib.loads(files[0].read_text().split("+++")[1])
    assert fields["task"] == "study" and fields["minutes"] == 50
    assert fields["title"] == "Task study" and fields["kind"] == "focus"
    solo(root, "focus", "log", "other", "--minutes", "1h30", "--date", "2026-11-20")
    data = json.loads(solo(root, "report", "time", "--json"))
    assert data["per_goal"]["cert"] == 50
    assert data["per_skill"] == {"aws": 50}
    assert data["per_task"] == {"other": 90, "study": 50}
    assert data["per_day"] == {"2026-11-20": 90, "2026-11-26": 50}
    assert data["week"]["week"] == "2026-W48" and data["week"]["logged"] == 50
    assert len(data["trend"]) == 8
    narrow = json.loads(solo(root, "report", "time", "--json", "--since", "2026-11-23"))
    assert narrow["total"] == 50
    assert "not a task" in fails(root, "focus", "log", "cert", "--minutes", "10")
    assert "duration" in fails(root, "focus", "log", "study", "--minutes", "soon")


def test_focus_start_stop_writes_a_session(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", task("study", "next"))
    solo(root, "focus", "start", "study", now="2026-11-26T23:30")
    assert (root / ".solo" / "focus-running.toml").exists()
    assert "already running" in fails(root, "focus", "start", "study")
    status = json.loads(solo(root, "focus", "status", "--json", now="2026-11-26T23:45"))
    assert status["task"] == "study" and status["elapsed_minutes"] == 15
    out = solo(root, "focus", "stop", "--note", "Chapter 3", now="2026-11-27T00:40")
    assert "1 h 10" in out
    assert not (root / ".solo" / "focus-running.toml").exists()
    data = json.loads(solo(root, "report", "time", "--json", "--until", "2026-11-27"))
    assert data["per_day"] == {"2026-11-26": 30, "2026-11-27": 40}
    assert "no focus timer" in fails(root, "focus", "stop")


def test_report_time_flags_a_week_over_the_cap(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        **task("t", "next"),
        "reviews/2026-w47.md": page('kind = "review"\nperiod = "2026-W47"\nhours_worked = 47.5'),
    })
    (root / ".solo" / "config.toml").write_text("[work]\nweekly_cap_minutes = 60\n")
    solo(root, "focus", "log", "t", "--minutes", "90", "--date", "2026-11-24")
    text = solo(root, "report", "time")
    assert "This week (2026-W48): 1 h 30 of 1 h — over the cap by 30 min" in text
    assert "2026-W47" in text and "47.5 (reported)" in text
    assert "2 weeks in a row over the cap." in text


def test_review_new_writes_a_useful_draft(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        **goal("cert", key_results="[{ name = \"Exams\", target = 4, current = 2 }]"),
        **task("exam", "done", "cert", done="2026-11-24"),
        "achievements/passed.md": page('title = "Passed"\ndate = 2026-11-24\ngoal = "cert"'),
        "reviews/2026-w47.md": page('kind = "review"\nperiod = "2026-W47"\n'
                                    "progress = { cert = 0.25 }"),
    })
    solo(root, "focus", "log", "exam", "--minutes", "45", "--date", "2026-11-24")
    assert "reviews/2026-w48.md" in solo(root, "review", "new")
    text = (root / "reviews" / "2026-w48.md").read_text()
    fields = tomllib.loads(text.split("+++")[1])
    assert fields["kind"] == "review" and fields["period"] == "2026-W48"
    assert fields["title"] == "Weekly review 2026-W48" and fields["progress"] == {"cert": 0.5}
    for expected in ("[[exam]] Task exam", "[[cert]] Goal cert: 45 min", "[[passed]] Passed",
                     "50% (+25 pts since 2026-W47)", "## Open questions"):
        assert expected in text
    listed = json.loads(solo(root, "list", "review", "--json"))
    assert {r["period"] for r in listed} == {"2026-W47", "2026-W48"}
    assert "exists" in fails(root, "review", "new")
    solo(root, "review", "new", "--week", "2026-W53")
    assert (root / "reviews" / "2026-w53.md").exists()
    assert "no ISO week 53" in fails(root, "review", "new", "--week", "2027-W53")


@pytest.mark.parametrize("report", ["goals", "skills", "learning", "spend", "time"])
def test_example_vault_reports(example_root: Path, report: str) -> None:
    run_solo("init", str(example_root), env=CLI_ENV)
    data = json.loads(solo(example_root, "report", report, "--json"))
    assert data
    assert solo(example_root, "report", report).strip()
    if report == "goals":
        risky = {g["goal"]["stem"] for g in data if g["at_risk"]}
        assert risky == {"terraform-modules-portfolio"}
    if report == "time":
        assert data["total"] == 1000
        assert data["per_day"]["2026-11-19"] == 40 and data["per_day"]["2026-11-20"] == 105
        assert [w["over_cap"] for w in data["trend"]][-4:] == [True, False, True, False]


def test_example_vault_brag_and_review(example_root: Path) -> None:
    run_solo("init", str(example_root), env=CLI_ENV)
    text = solo(example_root, "report", "brag")
    section = text[text.index("## Get certified"):text.index("## Build a personal brand")]
    assert "Scored 78% on SAP-C02 practice exam #2" in section
    solo(example_root, "review", "new")
    body = (example_root / "reviews" / "2026-w48.md").read_text()
    assert "(+3 pts since 2026-W47)" in body and "**at risk**" in body
