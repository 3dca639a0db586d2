"""`solo list` with filters, sorting and limits, and `solo next` by urgency, run as real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.solo_cli import run_solo, solo_env

ENV = solo_env(SOLO_TODAY="2026-11-26", SOLO_NOW="2026-11-26T12:00")

TASKS = {
    "pay-rent": 'title = "Pay rent"\nstatus = "next"\ndue = 2026-11-25\ntags = ["home"]\n'
                'priority = "high"\ncreated = 2026-11-01\n',
    "call-bank": 'title = "Call bank"\ndue = 2026-11-26\ntags = ["home", "phone"]\n'
                 'project = "finance"\n',
    "write-report": 'title = "Write report"\nstatus = "scheduled"\nscheduled = 2026-11-28\n'
                    'due = 2026-12-20\ndepends = ["pay-rent"]\n',
    "old-thing": 'title = "Old thing"\nstatus = "done"\ndone = 2026-11-01\n',
    "later": 'title = "Later idea"\nstatus = "someday"\nwait = 2026-12-10\n',
}


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tasks") / "v"
    (root / "tasks").mkdir(parents=True)
    (root / "notes").mkdir()
    for stem, front in TASKS.items():
        (root / "tasks" / f"{stem}.md").write_text(f'+++\nkind = "task"\n{front}+++\n')
    (root / "notes" / "ideas.md").write_text("# Ideas\n")
    assert run_solo("init", str(root), env=ENV).returncode == 0
    return root


def solo(root: Path, *args: str) -> list[dict]:
    r = run_solo("--vault", str(root), *args, "--json", env=ENV)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def titles(root: Path, *args: str) -> list[str]:
    return [item["title"] for item in solo(root, "list", *args)]


def test_list_keeps_its_old_arguments(root: Path) -> None:
    assert titles(root, "task", "--tag", "phone") == ["Call bank"]
    assert titles(root, "task", "--status", "next") == ["Pay rent"]
    assert titles(root, "note") == ["Ideas"]


def test_list_shows_open_tasks_unless_all(root: Path) -> None:
    assert titles(root, "task") == ["Call bank", "Pay rent", "Write report"]
    assert titles(root, "task", "--all") == ["Call bank", "Later idea", "Old thing", "Pay rent",
                                             "Write report"]


def test_list_filters_sort_and_limit(root: Path) -> None:
    assert titles(root, "task", "+home", "-phone") == ["Pay rent"]
    assert titles(root, "-home") == ["Ideas", "Write report"]  # a -tag is not an option
    assert titles(root, "+OVERDUE") == ["Pay rent"]
    assert titles(root, "task", "due.before:eow") == ["Call bank", "Pay rent"]
    assert titles(root, "+BLOCKED") == ["Write report"]
    assert titles(root, "task", "report") == ["Write report"]
    assert titles(root, "tasks", "--sort", "due-") == ["Write report", "Call bank", "Pay rent"]
    assert titles(root, "task", "--sort", "due", "--limit", "1") == ["Pay rent"]
    assert titles(root, "task", "+WAITING") == ["Later idea"]


def test_bad_filters_fail_with_one_line(root: Path) -> None:
    for args, needle in ((["--status", "bogus"], "unknown status 'bogus'; valid: inbox, next"),
                         (["prjoect:x"], "did you mean project?"),
                         (["--sort", "deu"], "did you mean due?"),
                         (["taks"], "unknown kind 'taks' (did you mean task?)")):
        r = run_solo("--vault", str(root), "list", *args, env=ENV)
        assert r.returncode == 1, args
        assert r.stderr.count("\n") == 1 and needle in r.stderr, r.stderr
    assert run_solo("--vault", str(root), "list", "--frobnicate", env=ENV).returncode == 2


def test_next_orders_by_urgency_with_scores(root: Path) -> None:
    ranked = solo(root, "next")
    assert [t["title"] for t in ranked] == ["Pay rent", "Call bank", "Write report"]
    top = ranked[0]
    assert top["urgency_terms"]["next"] == 15.0 and top["urgency_terms"]["blocking"] == 8.0
    assert ranked[2]["urgency_terms"]["blocked"] == -5.0
    assert top["urgency"] > ranked[1]["urgency"] > ranked[2]["urgency"]
    assert [t["title"] for t in solo(root, "next", "+home", "--limit", "1")] == ["Pay rent"]
    text = run_solo("--vault", str(root), "next", env=ENV).stdout
    assert text.splitlines()[0].split()[0] == f"{top['urgency']:.2f}"


def test_urgency_coefficients_come_from_the_config(tmp_path: Path, root: Path) -> None:
    import shutil

    copy = tmp_path / "v"
    shutil.copytree(root, copy)
    (copy / ".solo" / "config.toml").write_text("[urgency]\nnext = 0\nblocking = 0\n"
                                               "blocked = 30\n")
    assert [t["title"] for t in solo(copy, "next")][0] == "Write report"
    (copy / ".solo" / "config.toml").write_text("[urgency]\nnxt = 1\n")
    r = run_solo("--vault", str(copy), "next", env=ENV)
    assert r.returncode == 1 and "urgency.nxt" in r.stderr and "did you mean next?" in r.stderr
