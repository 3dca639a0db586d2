"""`solo plan`, `solo people`, `solo posts`, the ICS export of blocks and focus from a block, as the real CLI on real vaults."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from support.career_helpers import (
    fails,
    goal,
    make_vault,
    page,
    solo,
    task,
)

from solo.core.vault import Vault

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "vault"


def front(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8").split("+++")[1])


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return make_vault(tmp_path / "v", {**goal("cert"), **task("study", "next", "cert",
                                                              estimate="90")})


def test_plan_add_move_remove_and_json(vault: Path) -> None:
    out = solo(vault, "plan", "add", "09:00-10:30", "Study", "--task", "study")
    assert "Planned 09:00–10:30 Study on 2026-11-26" in out
    solo(vault, "plan", "add", "10:00-11:00", "Sync", "--kind", "meeting")
    data = json.loads(solo(vault, "plan", "--json"))
    assert [(b["title"], b["start"], b["end"], b["type"]) for b in data["blocks"]] == [
        ("Study", "09:00", "10:30", "focus"), ("Sync", "10:00", "11:00", "meeting")]
    assert data["blocks"][0]["goal"] == "cert" and data["blocks"][0]["overlaps"] == ["Sync"]
    path = vault / data["blocks"][0]["path"]
    assert front(path)["task"] == "study" and front(path)["date"].isoformat() == "2026-11-26"
    solo(vault, "plan", "move", data["blocks"][1]["id"], "11:00-12:00")
    text = solo(vault, "plan")
    assert "11:00–12:00  meeting  Sync" in text and "overlaps" not in text
    solo(vault, "plan", "remove", data["blocks"][1]["id"])
    assert "Sync" not in solo(vault, "plan") and path.exists()


def test_plan_refuses_bad_input_with_one_line_and_writes_nothing(vault: Path) -> None:
    assert "ends (09:00) before it starts (10:00)" in fails(vault, "plan", "add",
                                                            "10:00-09:00", "Oops")
    assert "not a task" in fails(vault, "plan", "add", "09:00-10:00", "X", "--task", "cert")
    assert "is a goal, not a block" in fails(vault, "plan", "remove", "cert")
    assert not (vault / "blocks").exists()


def test_plan_of_another_day(vault: Path) -> None:
    solo(vault, "plan", "add", "09:00-10:00", "Friday thing", "--date", "2026-11-27")
    assert "Friday thing" not in solo(vault, "plan")
    assert "Friday thing" in solo(vault, "plan", "2026-11-27")
    assert "not a working day" in solo(vault, "plan", "2026-11-28")


def test_people_due_and_a_meeting_note_updating_last_contact(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        "people/ana.md": page('title = "Ana Lopez"\ncadence = "every 2 weeks"\n'
                              "last_contact = 2026-10-01"),
        "people/ben.md": page('title = "Ben"\ncadence = "every month"\n'
                              "last_contact = 2026-11-20"),
    })
    due = json.loads(solo(root, "people", "--due", "--json"))
    assert [(p["title"], p["last_contact"], p["overdue_days"]) for p in due] == [
        ("Ana Lopez", "2026-10-01", 42)]
    (root / "notes").mkdir()
    (root / "notes" / "2026-11-24-sync.md").write_text(
        '+++\ntags = ["meeting"]\n+++\nWith [[Ana Lopez]] and the team.\n', encoding="utf-8")
    assert json.loads(solo(root, "people", "--due", "--json")) == []
    listed = solo(root, "people")
    assert "Ana Lopez — last 2026-11-24" in listed
    assert "last_contact = 2026-10-01" in (root / "people" / "ana.md").read_text()


def test_posts_pipeline(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {
        "posts/a.md": page('title = "A"\nstatus = "published"\nchannel = "blog"\n'
                           "publish = 2026-11-10\nviews = 100"),
        "posts/b.md": page('title = "B"\nstatus = "idea"\nchannel = "linkedin"'),
    })
    data = json.loads(solo(root, "posts", "--json"))
    assert [p["title"] for p in data["published_this_month"]] == ["A"]
    assert [p["title"] for p in data["pipeline"]["idea"]] == ["B"]
    assert "Published in November 2026: 1" in solo(root, "posts")


def test_focus_from_a_block_counts_for_its_goal(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {**goal("cert"), **task("chores", "next")})
    solo(root, "plan", "add", "09:00-10:00", "Exam prep", "--goal", "cert")
    (blk,) = json.loads(solo(root, "plan", "--json"))["blocks"]
    solo(root, "focus", "start", blk["id"], now="2026-11-26T09:00")
    solo(root, "focus", "stop", now="2026-11-26T09:40")
    (session,) = list((root / "focus").glob("*.md"))
    fields = front(session)
    assert fields["block"] == blk["stem"] and fields["goal"] == "cert"
    report = json.loads(solo(root, "report", "time", "--json", "--since", "2026-11-26"))
    assert report["per_goal"] == {"cert": 40}
    assert report["contact"]["line"].startswith("Contact — working days")


def test_export_ics_has_the_tasks_and_the_blocks(vault: Path) -> None:
    solo(vault, "plan", "add", "09:00-10:30", "Study", "--task", "study")
    text = solo(vault, "export", "--format", "ics")
    assert "BEGIN:VEVENT" in text and "DTSTART:20261126T090000" in text
    assert "DESCRIPTION:Task: study\\nGoal: cert" in text.replace("\r\n ", "")


def test_kinds_lists_block_person_and_post(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "v", {})
    out = solo(root, "kinds")
    for line in ("block", "person", "post"):
        assert any(row.startswith(line + " ") for row in out.splitlines()), out
    data = json.loads(solo(root, "kinds", "post", "--json"))
    assert "followers_gained" in [f["name"] for f in data["fields"]]


def test_example_vault_key_results_count_its_posts(tmp_path: Path) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    Vault.init(root).close()
    goals = {g["goal"]["stem"]: g for g in json.loads(solo(root, "report", "goals", "--json"))}
    counted = {k["name"]: k["current"] for k in goals["personal-brand"]["key_results"]}
    assert counted["Articles published"] == 5 and counted["LinkedIn followers"] == 1840
    due = json.loads(solo(root, "people", "--due", "--json"))
    assert [p["title"] for p in due][:2] == ["Antoine Girard", "Nadia Benali"]
    assert "## Published" in solo(root, "report", "brag")
    assert "Practice exam #3" in solo(root, "plan")
