"""`solo modify`, `solo annotate` and `solo delete`, with confirmation, depends and wait, as real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.solo_cli import run_solo, solo_env

ENV = solo_env(SOLO_TODAY="2026-11-26", SOLO_NOW="2026-11-26T09:30")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    (root / "tasks").mkdir(parents=True)
    for n in range(5):
        (root / "tasks" / f"chore-{n}.md").write_text(
            f'+++\nkind = "task"\ntitle = "Chore {n}"\ntags = ["home"]\n+++\nBody {n}.\n')
    assert run_solo("init", str(root), env=ENV).returncode == 0
    return root


def solo(root: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    r = run_solo("--vault", str(root), *args, env=ENV, input=input)
    return r.returncode, r.stdout, r.stderr


def fields(root: Path, stem: str) -> dict:
    return json.loads(run_solo("--vault", str(root), "show", stem, "--json", env=ENV).stdout)


def test_modify_one_task_sets_clears_and_tags(root: Path) -> None:
    code, out, err = solo(root, "modify", "chore-0", "priority=high", "due:eow", "+errand",
                          "-home", "project=house")
    assert code == 0, err
    task = fields(root, "chore-0")
    assert task["priority"] == "high" and task["due"] == "2026-11-29"
    assert task["tags"] == ["errand"] and task["project"] == "house"
    assert task["body"] == "Body 0.\n"
    assert solo(root, "modify", "chore-0", "project:")[0] == 0
    assert "project" not in fields(root, "chore-0")


def test_modify_depends_and_wait(root: Path) -> None:
    first = fields(root, "chore-1")["id"]
    code, _, err = solo(root, "modify", "chore-0", f"depends:{first},chore-2", "wait:fri")
    assert code == 0, err
    task = fields(root, "chore-0")
    assert task["depends"] == [first, fields(root, "chore-2")["id"]]
    assert task["wait"] == "2026-11-27"
    listed = json.loads(solo(root, "list", "task", "--json")[1])
    assert "Chore 0" not in [t["title"] for t in listed]  # hidden until Friday
    blocked = json.loads(solo(root, "list", "--all", "+BLOCKED", "--json")[1])
    assert [t["title"] for t in blocked] == ["Chore 0"]
    code, _, err = solo(root, "modify", "chore-0", "depends:nothing-here")
    assert code == 1 and err.startswith("solo: depends: no item 'nothing-here'")


def test_modify_many_asks_first(root: Path) -> None:
    before = {p: p.read_bytes() for p in (root / "tasks").iterdir()}
    code, out, err = solo(root, "modify", "+home", "priority=low", input="n\n")
    assert code == 1 and "Modify these 5 items? [y/N]" in out and "not confirmed" in err
    assert {p: p.read_bytes() for p in (root / "tasks").iterdir()} == before
    code, out, _ = solo(root, "modify", "+home", "priority=low", input="y\n")
    assert code == 0 and out.count("Modified") == 5
    code, out, _ = solo(root, "modify", "+home", "priority=medium", "--yes")
    assert code == 0 and out.count("Modified") == 5
    assert fields(root, "chore-4")["priority"] == "medium"


def test_modify_rejects_bad_values_in_one_line(root: Path) -> None:
    for change, needle in (("priority=urgent", "priority must be one of high, medium, low"),
                           ("due:whenever", "due: not a date: 'whenever'"),
                           ("wait:soonish", "wait: not a date"),
                           ("nonsense", "cannot read 'nonsense'")):
        code, _, err = solo(root, "modify", "chore-0", change)
        assert code == 1 and err.count("\n") == 1 and needle in err, (change, err)


def test_annotate_appends_a_dated_line(root: Path) -> None:
    assert solo(root, "annotate", "chore-3", "Bought", "the", "paint")[0] == 0
    text = (root / "tasks" / "chore-3.md").read_text()
    assert text.endswith("Body 3.\n\n- 2026-11-26 09:30: Bought the paint\n")
    exported = json.loads(solo(root, "export", "--format", "taskwarrior", "chore")[1])
    notes = [t for t in exported if t["description"] == "Chore 3"][0]["annotations"]
    assert notes[0]["description"] == "Bought the paint"


def test_delete_asks_unless_yes(root: Path) -> None:
    code, out, err = solo(root, "delete", "chore-4", input="")
    assert code == 1 and (root / "tasks" / "chore-4.md").exists()
    code, out, _ = solo(root, "delete", "chore-4", "--yes")
    assert code == 0 and not (root / "tasks" / "chore-4.md").exists()
    assert "Chore 4" not in solo(root, "list", "--all")[1]
