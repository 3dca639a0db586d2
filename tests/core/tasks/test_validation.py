"""Validation wherever input enters: findings of `core/validation`, and the CLI's add, modify, scan and watch saying them."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.solo_cli import run_solo, solo_env

from solo.core.engine import validation
from solo.core.engine.index import Row
from solo.core.model.quickadd import parse_quickadd
from solo.core.planning import filters

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 9, 30)
ENV = solo_env(SOLO_TODAY="2026-11-26", SOLO_NOW="2026-11-26T09:30")


def row(path: str, kind: str, **fields: Any) -> Row:
    return Row(path=path, doc_id=f"id{abs(hash(path))}", kind=kind, title=fields.get("title", path),
               status=fields.get("status"), due=None, scheduled=None, priority=None, tags=[],
               fields={"kind": kind, **fields}, private=False, mtime_ns=0, size=0, sha="",
               problem=None)


def lines(kind: str, fields: dict[str, Any], rows: list[Row] | None = None) -> list[str]:
    return validation.lines(validation.check(kind, fields, path="x.md", today=TODAY, now=NOW,
                                             rows=rows))


def test_unknown_status_and_empty_title_block_and_name_the_field() -> None:
    found = validation.check("task", {"title": " ", "status": "bogus"}, path="tasks/t.md",
                             today=TODAY)
    assert {(f.field, f.blocking) for f in found} == {("status", True), ("title", True)}
    assert "tasks/t.md: title is empty" in validation.lines(found)


def test_a_misspelled_key_is_said_with_the_closest_one_but_not_blocking() -> None:
    found = validation.check("resource", {"title": "VPN", "billing": "monthly"}, path="stack/v.md",
                             today=TODAY)
    assert [f.line() for f in found] == \
        ["stack/v.md: unknown key 'billing' for resource; did you mean 'period'?"]
    assert not found[0].blocking
    assert lines("task", {"title": "T", "prio": "high"}) == \
        ["x.md: unknown key 'prio' for task; did you mean 'priority'?"]


def test_solos_own_keys_and_a_notes_properties_are_not_reported() -> None:
    assert lines("task", {"title": "T", "completions": ["2026-11-01"], "uuid": "u", "id": "i"}) == []
    assert lines("note", {"title": "N", "aliases": ["n"], "cssclasses": ["wide"]}) == []
    assert lines("review", {"title": "R", "progress": {"g": 0.5}, "hours_worked": 30}) == []


def test_dangling_references_match_no_item_of_the_right_kind() -> None:
    rows = [row("goals/cert.md", "goal"), row("skills/aws.md", "skill"),
            row("tasks/a.md", "task"), row("tasks/b.md", "task", project="house")]
    assert lines("task", {"title": "T", "goal": "cert", "depends": ["a"]}, rows) == []
    assert lines("task", {"title": "T", "goal": "aws", "depends": ["a", "zzz"]}, rows) == [
        "x.md: goal 'aws' matches no goal", "x.md: depends 'zzz' matches no task"]
    assert lines("goal", {"title": "G", "skills": ["aws", "rust"]}, rows) == \
        ["x.md: skills 'rust' matches no skill"]
    assert lines("focus", {"title": "F", "task": "gone"}, rows) == \
        ["x.md: task 'gone' matches no task"]
    # A project is a name too: said only when no item and no other task names it.
    assert lines("task", {"title": "T", "project": "house"}, rows) == []
    assert lines("task", {"title": "T", "project": "hause"}, rows) == \
        ["x.md: project 'hause' matches no item and no other task"]
    found = validation.check("task", {"title": "A", "depends": ["a"]}, path="tasks/a.md",
                             today=TODAY, rows=rows)
    assert [f.line() for f in found] == ["tasks/a.md: depends 'a' is this task itself"]


def test_logged_time_in_the_future_is_said() -> None:
    assert lines("focus", {"title": "F", "task": "t", "start": "2026-11-26T10:00:00",
                           "minutes": 30}) == \
        ["x.md: start 2026-11-26 10:00 is in the future (logged time)"]
    assert lines("focus", {"title": "F", "task": "t", "start": "2026-11-26T09:00:00",
                           "minutes": 30}) == []
    assert lines("learning", {"title": "L", "finished": dt.date(2026, 12, 1)}) == \
        ["x.md: finished 2026-12-01 is in the future (logged time)"]
    assert lines("task", {"title": "T", "done": dt.date(2026, 11, 26)}) == []


VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8)
                      | st.dates().map(str), lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["task", "goal", "focus", "learning", "resource", "note", "nope"]),
       st.dictionaries(st.sampled_from(["title", "status", "goal", "depends", "skills", "start",
                                        "finished", "project", "billing", "due", "task"])
                       | st.text(max_size=6), VALUES, max_size=6))
def test_check_never_raises_and_every_line_names_the_file(kind: str, fields: dict) -> None:
    rows = [row("tasks/a.md", "task", project=fields.get("project"))]
    for line in lines(kind, fields, rows):
        assert line.startswith("x.md: ")


def test_wait_until_and_depends_in_quick_add_and_default_lists() -> None:
    parsed = parse_quickadd("Pay rent wait:fri until:2026-12-31 depends:abc,rent-money", TODAY)
    assert parsed.title == "Pay rent"
    assert parsed.fields == {"wait": dt.date(2026, 11, 27), "until": dt.date(2026, 12, 31),
                             "depends": ["abc", "rent-money"]}
    waiting = row("tasks/w.md", "task", status="next", wait="2026-11-27")
    expired = row("tasks/e.md", "task", status="next", until="2026-11-25")
    today_last = row("tasks/t.md", "task", status="next", until="2026-11-26")
    assert filters.hidden(waiting, TODAY) and filters.hidden(expired, TODAY)
    assert not filters.hidden(today_last, TODAY) and not filters.hidden(waiting, TODAY
                                                                        + dt.timedelta(days=1))


# --- the command line ------------------------------------------------------------------------
@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    (root / "goals").mkdir(parents=True)
    (root / "goals" / "cert.md").write_text('+++\nkind = "goal"\ntitle = "Cert"\n+++\n')
    assert run_solo("init", str(root), env=ENV).returncode == 0
    return root


def solo(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_solo("--vault", str(root), *args, env=ENV)


def test_add_refuses_an_empty_title_and_a_bad_status(root: Path) -> None:
    r = solo(root, "add", "task", "  ")
    assert r.returncode == 1 and r.stderr == "solo: title: a task needs a title (it names the file)\n"
    r = solo(root, "add", "task", "T", "--set", "status=bogus")
    assert r.returncode == 1 and "status must be one of inbox" in r.stderr
    assert not (root / "tasks").exists()


def test_add_and_modify_keep_but_say_unknown_keys_and_dangling_refs(root: Path) -> None:
    r = solo(root, "add", "resource", "VPN", "--set", "billing=monthly")
    assert r.returncode == 0
    assert r.stderr == ("solo: warning: stack/vpn.md: unknown key 'billing' for resource; "
                        "did you mean 'period'?\n")
    assert 'billing = "monthly"' in (root / "stack" / "vpn.md").read_text()
    r = solo(root, "add", "task", "Study", "--goal", "cert")
    assert r.returncode == 0 and r.stderr == ""
    r = solo(root, "modify", "study", "goal=cerf", "priority=high")
    assert r.returncode == 0
    assert r.stderr == "solo: warning: tasks/study.md: goal 'cerf' matches no goal\n"
    r = solo(root, "modify", "study", "priority=low")  # the old finding is not said again
    assert r.returncode == 0 and r.stderr == ""
    r = solo(root, "add", "task", "Paint", "--set", "project=house")
    assert r.stderr == ("solo: warning: tasks/paint.md: project 'house' matches no item and "
                        "no other task\n")
    assert solo(root, "add", "task", "Sand", "--set", "project=house").stderr == ""
    r = solo(root, "add", "focus", "Session", "--set", "task=study", "--set",
             "start=2026-11-26T08:00", "--set", "minutes=30")
    assert r.returncode == 0 and r.stderr == ""  # a file stem found through the index
    r = solo(root, "add", "focus", "Later", "--set", "task=stud", "--set",
             "start=2026-11-26T08:00", "--set", "minutes=30")
    assert r.stderr == "solo: warning: focus/later.md: task 'stud' matches no task\n"


def test_an_editor_edit_picked_up_by_a_scan_is_kept_and_said(root: Path) -> None:
    (root / "tasks").mkdir()
    (root / "tasks" / "hand.md").write_text(
        '+++\nkind = "task"\ntitle = "By hand"\nstatus = "bogus"\nprio = "high"\n+++\n')
    r = solo(root, "list", "--all")
    assert r.returncode == 0 and "By hand" in r.stdout
    assert r.stderr.splitlines() == [
        "solo: warning: tasks/hand.md: status must be one of inbox, next, waiting, scheduled, "
        "someday, done, cancelled, not 'bogus'",
        "solo: warning: tasks/hand.md: unknown key 'prio' for task; did you mean 'priority'?"]
    assert solo(root, "list", "--all").stderr == ""  # said once, when the file changed


def test_watch_prints_the_findings_of_an_edit(root: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "solo.tui", "--vault", str(root), "watch"],
                               env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith("Watching")
        (root / "goals" / "cert.md").write_text(
            '+++\nkind = "goal"\ntitle = "Cert"\nskills = ["nothing-here"]\n+++\n')
        assert process.stdout.readline().startswith("ingested: goals/cert.md")
        assert process.stderr.readline() == \
            "solo: warning: goals/cert.md: skills 'nothing-here' matches no skill\n"
    finally:
        process.terminate()
        process.wait(10)
