"""`solo daily` and `solo add --template` as real subprocesses."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from support.solo_cli import run_solo, solo_env

ENV = solo_env(SOLO_TODAY="2026-12-01", SOLO_NOW="2026-12-01T09:30")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    root.mkdir()
    assert run_solo("init", str(root), env=ENV).returncode == 0
    return root


def test_daily_print_creates_and_names_the_note(root: Path) -> None:
    out = run_solo("--vault", str(root), "daily", "--print", env=ENV)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "notes/daily/2026-12-01.md\n"
    assert (root / "notes/daily/2026-12-01.md").exists()
    out = run_solo("--vault", str(root), "daily", "yesterday", "--print", env=ENV)
    assert out.stdout == "notes/daily/2026-11-30.md\n"
    out = run_solo("--vault", str(root), "daily", "fri", "--print", env=ENV)
    assert out.stdout == "notes/daily/2026-12-04.md\n"


def test_daily_bad_date_is_one_line_and_writes_nothing(root: Path) -> None:
    out = run_solo("--vault", str(root), "daily", "someday", "--print", env=ENV)
    assert out.returncode == 1
    assert out.stderr.startswith("solo: daily: not a date: 'someday'")
    assert len(out.stderr.strip().splitlines()) == 1
    assert not (root / "notes").exists()


def test_daily_opens_editor_then_ingests_what_was_typed(root: Path, tmp_path: Path) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text("#!/bin/sh\nprintf 'wrote in editor #daily\\n' >> \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    env = {**ENV, "EDITOR": str(editor)}
    env.pop("VISUAL", None)
    out = run_solo("--vault", str(root), "daily", env=env)
    assert out.returncode == 0, out.stderr
    assert "Created notes/daily/2026-12-01.md" in out.stderr
    listed = run_solo("--vault", str(root), "search", "editor", env=ENV)
    assert "2026-12-01" in listed.stdout


def test_add_note_from_template(root: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates" / "meeting.md").write_text("# {{title}}\n\n{{date}} {{time}}\n")
    out = run_solo("--vault", str(root), "add", "note", "Sync with Ana", "--template",
                   "meeting", env=ENV)
    assert out.returncode == 0, out.stderr
    text = (root / "notes" / "sync-with-ana.md").read_text()
    assert text.endswith("# Sync with Ana\n\n2026-12-01 09:30\n")
    missing = run_solo("--vault", str(root), "add", "note", "X", "--template", "nope", env=ENV)
    assert missing.returncode == 1 and "no template 'nope'" in missing.stderr
    assert not (root / "notes" / "x.md").exists()
    assert os.listdir(root / "notes") == ["sync-with-ana.md"]
