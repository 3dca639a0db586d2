"""A planned block is one change: its title is the title, and one `solo undo` takes it away."""

from __future__ import annotations

import json
from pathlib import Path

from support.solo_cli import run_solo


def test_one_undo_removes_a_block_just_planned(tmp_path: Path) -> None:
    root = tmp_path / "v"
    assert run_solo("init", str(root)).returncode == 0
    added = run_solo("--vault", str(root), "plan", "add", "09:00-10:00", "Deep work",
                     "--date", "2026-12-02")
    assert added.returncode == 0, added.stderr
    (block,) = list((root / "blocks").glob("*.md"))
    assert block.name.startswith("2026-12-02-0900") and 'title = "Deep work"' in block.read_text()
    shown = json.loads(run_solo("--vault", str(root), "plan", "2026-12-02", "--json").stdout)
    assert [b["title"] for b in shown["blocks"]] == ["Deep work"]
    undone = run_solo("--vault", str(root), "undo")
    assert undone.returncode == 0, undone.stderr
    assert not block.exists()
