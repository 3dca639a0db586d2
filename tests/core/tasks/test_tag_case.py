"""Tag matching is case-insensitive everywhere tags filter (`+tag`, `tag:`, `--tag`, the TUI),
and every place keeps showing the spelling the file has."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from support.rows import task_row
from support.solo_cli import run_solo

from solo.core.planning.filters import Context, has_tag, parse_filter
from solo.core.vault import Vault

TODAY = dt.date(2026, 11, 26)


def test_has_tag_ignores_case_and_the_hash() -> None:
    row = task_row("Plan", tags=["Work", "#Über"])
    assert has_tag(row, "work") and has_tag(row, "#WORK") and has_tag(row, "über")
    assert not has_tag(row, "wor")


def test_plus_tag_and_tag_attribute_match_any_case() -> None:
    rows = [task_row("A", status="next", tags=["Work"]),
            task_row("B", status="next", tags=["work"]),
            task_row("C", status="next", tags=["home"])]
    ctx = Context.at(TODAY, rows, dt.datetime(2026, 11, 26, 9, 0))
    for term in ("+work", "+Work", "tag:WORK", "tag:#work", "tag:work,nothing"):
        assert [r.title for r in parse_filter([term], TODAY).apply(rows, ctx)] == ["A", "B"], term
    assert [r.title for r in parse_filter(["-Work"], TODAY).apply(rows, ctx)] == ["C"]


def test_cli_tag_option_matches_any_case_and_shows_the_files_spelling(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    with Vault.init(root) as vault:
        vault.create("task", "Upper", {"tags": ["Work"], "status": "next"})
        vault.create("task", "Lower", {"tags": ["work"], "status": "next"})
        vault.create("task", "Other", {"tags": ["home"], "status": "next"})
    done = run_solo("--vault", str(root), "list", "task", "--tag", "WORK", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert sorted(item["title"] for item in listed) == ["Lower", "Upper"]
    assert sorted(tag for item in listed for tag in item["tags"]) == ["Work", "work"]
