"""`solo undo`, `solo log`, `solo restore`, `solo start` and `solo stop`, as real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.solo_cli import run_solo, solo_env

NOW = "2026-11-26T09:30"


def env(now: str = NOW) -> dict[str, str]:
    return solo_env(SOLO_TODAY=now[:10], SOLO_NOW=now)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    (root / "goals").mkdir(parents=True)
    (root / "goals" / "cert.md").write_text('+++\nkind = "goal"\ntitle = "Get certified"\n+++\n')
    assert run_solo("init", str(root), env=env()).returncode == 0
    return root


def solo(root: Path, *args: str, now: str = NOW) -> tuple[int, str, str]:
    r = run_solo("--vault", str(root), *args, env=env(now))
    return r.returncode, r.stdout, r.stderr


def show(root: Path, ref: str) -> dict:
    code, out, err = solo(root, "show", ref, "--json")
    assert code == 0, err
    return json.loads(out)


def test_undo_reverts_done_modify_delete_and_add_in_turn(root: Path) -> None:
    assert solo(root, "add", "task", "Study", "--priority", "low")[0] == 0
    assert solo(root, "modify", "study", "priority=high")[0] == 0
    assert solo(root, "done", "study")[0] == 0
    code, out, _ = solo(root, "undo")
    assert code == 0 and out.startswith("Undid finishing 'Study'")
    assert "done" not in show(root, "study")
    assert solo(root, "undo")[1].startswith("Undid the change to 'Study'")
    assert show(root, "study")["priority"] == "low"
    assert solo(root, "delete", "study", "--yes")[0] == 0
    assert "restored tasks/study.md" in solo(root, "undo")[1]
    assert show(root, "study")["priority"] == "low"
    assert "deleted tasks/study.md" in solo(root, "undo")[1]
    code, _, err = solo(root, "undo")
    assert code == 1 and err.strip() == \
        "solo: nothing to undo (no change made through Solo on this device)"


def test_log_json_and_restore_at_a_change_number(root: Path) -> None:
    solo(root, "add", "task", "Draft", "--body", "v1")
    solo(root, "annotate", "draft", "more")
    code, out, err = solo(root, "log", "draft", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [c["action"] for c in data["changes"]] == ["add", "modify"]
    assert data["changes"][1]["fields"] == ["body"]
    assert data["changes"][0]["at"] == "2026-11-26T09:30:00"
    assert data["changes"][0]["device"] == "this device"
    code, out, _ = solo(root, "log", "draft")
    assert code == 0 and "   2  " in out and "modify: body" in out
    code, out, err = solo(root, "restore", "draft", "--at", "1")
    assert code == 0, err
    assert show(root, "draft")["body"] == "v1\n"
    solo(root, "delete", "draft", "--yes")
    code, out, err = solo(root, "restore", "tasks/draft.md", "--json")
    assert code == 0, err
    assert json.loads(out)["path"] == "tasks/draft.md"
    assert show(root, "draft")["body"] == "v1\n"
    code, _, err = solo(root, "restore", "nothing-like-it")
    assert code == 1 and "no item or deleted item 'nothing-like-it'" in err


def test_start_and_stop_log_real_minutes_for_the_task_and_its_goal(root: Path) -> None:
    solo(root, "add", "task", "Labs", "--goal", "cert")
    code, out, err = solo(root, "start", "labs")
    assert code == 0, err
    assert "(goal: Get certified)" in out
    code, _, err = solo(root, "start", "labs")
    assert code == 1 and "already running" in err
    code, out, err = solo(root, "stop", now="2026-11-26T10:15")
    assert code == 0, err
    assert out.startswith("Logged 45 min on Labs") and "counted for goal cert" in out
    sessions = json.loads(solo(root, "list", "focus", "--json")[1])
    assert [(s["task"], s["minutes"]) for s in sessions] == [("labs", 45)]
    code, out, _ = solo(root, "report", "time", "--json")
    assert code == 0 and "cert" in out
    # `solo focus status` sees the same timer.
    solo(root, "start", "labs", now="2026-11-26T11:00")
    assert "Labs" in solo(root, "focus", "status", now="2026-11-26T11:00")[1]
    code, out, _ = solo(root, "stop", now="2026-11-26T11:00")
    assert code == 0 and out.strip() == "Under a minute on Labs: nothing logged"
    code, _, err = solo(root, "stop")
    assert code == 1 and "no timer is running" in err
    code, _, err = solo(root, "start", "cert")
    assert code == 1 and "is a goal, not a task" in err
