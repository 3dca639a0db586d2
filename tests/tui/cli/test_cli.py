"""The `solo` command line, run as a real subprocess on real vaults."""

from __future__ import annotations

import json
import os
from pathlib import Path

from support.solo_cli import run_solo


def test_init_add_list_show_search_done(tmp_path: Path) -> None:
    root = tmp_path / "v"
    r = run_solo("init", str(root))
    assert r.returncode == 0, r.stderr
    assert "automerge:" in r.stdout
    r = run_solo("--vault", str(root), "add", "task", "Write report", "--due", "2026-12-01",
                 "--priority", "high", "--tag", "work", "--set", "estimate=30",
                 "--body", "Quarterly numbers")
    assert r.returncode == 0, r.stderr
    listed = json.loads(run_solo("--vault", str(root), "list", "task", "--json").stdout)
    assert len(listed) == 1
    task = listed[0]
    assert task["title"] == "Write report" and task["kind"] == "task"
    assert task["path"] == "tasks/write-report.md"
    assert task["due"] == "2026-12-01" and task["priority"] == "high"
    assert task["tags"] == ["work"] and task["estimate"] == 30
    shown = json.loads(run_solo("--vault", str(root), "show", task["id"], "--json").stdout)
    assert shown["body"] == "Quarterly numbers\n" and shown["id"] == task["id"]
    hits = json.loads(run_solo("--vault", str(root), "search", "quarterly", "--json").stdout)
    assert [h["id"] for h in hits] == [task["id"]]
    r = run_solo("--vault", str(root), "done", task["id"])
    assert r.returncode == 0, r.stderr
    shown = json.loads(run_solo("--vault", str(root), "show", task["id"], "--json").stdout)
    assert shown["status"] == "done"
    before = (root / task["path"]).read_bytes()
    r = run_solo("--vault", str(root), "done", task["id"])
    assert r.returncode == 1 and "already done on" in r.stderr
    assert (root / task["path"]).read_bytes() == before


def test_done_on_a_repeating_task_keeps_one_file(tmp_path: Path) -> None:
    root = tmp_path / "v"
    run_solo("init", str(root))
    run_solo("--vault", str(root), "add", "task", "Water plants", "--set", "recur=every 2 days",
             "--due", "2020-01-01")
    r = run_solo("--vault", str(root), "done", "water-plants")
    assert r.returncode == 0, r.stderr
    assert "Next occurrence:" in r.stdout and "finished 1 time so far" in r.stdout
    assert [p.name for p in (root / "tasks").iterdir()] == ["water-plants.md"]
    r = run_solo("--vault", str(root), "done", "water-plants")
    assert r.returncode == 1 and "already done today" in r.stderr


def test_vault_found_from_env_and_parent_folder(tmp_path: Path) -> None:
    root = tmp_path / "v"
    run_solo("init", str(root))
    (root / "notes").mkdir()
    env = {**os.environ, "SOLO_VAULT": str(root)}
    assert run_solo("list", env=env).returncode == 0
    assert run_solo("list", cwd=root / "notes").returncode == 0


def test_edit_made_while_nothing_ran_shows_up_in_the_next_command(tmp_path: Path) -> None:
    root = tmp_path / "v"
    run_solo("init", str(root))
    (root / "notes").mkdir()
    (root / "notes" / "idea.md").write_text("# Rocket idea\nfuel: coffee\n")
    hits = json.loads(run_solo("--vault", str(root), "search", "coffee", "--json").stdout)
    assert [h["path"] for h in hits] == ["notes/idea.md"]


def test_errors_are_one_line_with_the_right_exit_code(tmp_path: Path) -> None:
    r = run_solo("--vault", str(tmp_path), "list")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "not a Solo vault" in r.stderr
    root = tmp_path / "v"
    run_solo("init", str(root))
    r = run_solo("--vault", str(root), "show", "nope-nope")
    assert r.returncode == 1 and "no item" in r.stderr and "Traceback" not in r.stderr
    r = run_solo("--vault", str(root), "add", "spaceship", "X")
    assert r.returncode == 1 and "unknown kind" in r.stderr
    r = run_solo("--vault", str(root), "add", "task", "X", "--due", "someday-maybe")
    assert r.returncode == 1 and "due" in r.stderr
    assert run_solo("--vault", str(root), "frobnicate").returncode == 2


def test_malformed_file_is_reported_by_name_and_left_untouched(tmp_path: Path) -> None:
    root = tmp_path / "v"
    (root / "notes").mkdir(parents=True)
    bad = root / "notes" / "broken.md"
    bad.write_bytes(b"+++\ntitle = = oops\n+++\nmy words\n")
    run_solo("init", str(root))
    r = run_solo("--vault", str(root), "list")
    assert r.returncode == 0
    assert bad.read_bytes() == b"+++\ntitle = = oops\n+++\nmy words\n"
    r = run_solo("--vault", str(root), "doctor")
    assert "notes/broken.md" in r.stdout and "TOML" in r.stdout
    assert bad.read_bytes() == b"+++\ntitle = = oops\n+++\nmy words\n"


def test_example_vault_lists_every_kind(example_root: Path) -> None:
    assert run_solo("init", str(example_root)).returncode == 0
    items = json.loads(run_solo("--vault", str(example_root), "list", "--json").stdout)
    kinds = {i["kind"] for i in items}
    assert {"task", "note", "goal", "skill", "learning", "achievement", "resource",
            "review"} <= kinds
    assert len(items) >= 40


def test_search_prints_each_snippet_on_one_line_with_controls_still_shown(tmp_path: Path) -> None:
    root = tmp_path / "v"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "a.md").write_text("# Plan\n\nfirst line\n\n\tkiwi\r\nbell \x07 kiwi\n")
    assert run_solo("init", str(root)).returncode == 0
    r = run_solo("--vault", str(root), "search", "kiwi")
    assert r.returncode == 0, r.stderr
    title, snippet = r.stdout.splitlines()
    assert "notes/a.md" in title
    assert "[kiwi]" in snippet and "\\x0a" not in snippet and "\\x09" not in snippet
    assert "\x07" not in snippet and "\\x07" in snippet


def test_show_and_done_name_the_candidates_of_a_shared_name(tmp_path: Path) -> None:
    root = tmp_path / "v"
    for folder in ("work", "home"):
        (root / folder).mkdir(parents=True)
        (root / folder / "plan.md").write_text(f"# {folder} plan\n")
    assert run_solo("init", str(root)).returncode == 0
    shown = run_solo("--vault", str(root), "show", "plan")
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert "home/plan.md" in shown.stderr and "work/plan.md" in shown.stderr
    done = run_solo("--vault", str(root), "done", "plan")
    assert done.returncode == 1 and "names several files" in done.stderr
    assert (root / "work" / "plan.md").read_text() == "# work plan\n"
    assert (root / "home" / "plan.md").read_text() == "# home plan\n"
    ok = run_solo("--vault", str(root), "show", "work/plan")
    assert ok.returncode == 0 and "work plan" in ok.stdout
