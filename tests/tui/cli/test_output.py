"""`print_rows` and `print_json`: the quick ways they build their text print what the plain
ones did (cleaned lines, `json.dump` with an indent of two), byte for byte."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from support.rows import task_row

from solo.core.terminal import clean_line
from solo.tui.cli.common import print_json, print_rows, where


def printed(capsys: pytest.CaptureFixture[str], show: Callable[[Any], None], value: Any) -> str:
    show(value)
    return capsys.readouterr().out


def line_by_line(rows: list[Any]) -> str:
    """What `solo list` printed before: every date, title and place cleaned on its own."""
    lines = []
    for row in rows:
        when = str(row.due or row.scheduled or row.fields.get("date")
                   or row.fields.get("target") or "")
        flag = " !" if row.problem else ""
        lines.append(f"{row.short_id:8}  {row.kind:11.11}  {(row.status or ''):9.9}  "
                     f"{clean_line(when)[:10]:10}  {clean_line(row.title)}{flag}  "
                     f"({clean_line(where(row))})")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("title", ["Plain", "Tab\there", "New\nline", "Bell\x07", "Esc \x1b[2J",
                                   "Bidi \u202eevil", "Sep\u2028x", "Ünïcode ✓",
                                   # printable to a terminal, not to `str.isprintable`:
                                   "No\u00a0break", "Wide\u3000space", "Private \ue000"])
def test_rows_print_as_when_each_part_was_cleaned(capsys: pytest.CaptureFixture[str],
                                                  title: str) -> None:
    rows = [task_row("Before", due="2026-12-01"), task_row(title, status="next"),
            task_row("Goal", kind="goal", target="2027-01-01")]
    assert printed(capsys, print_rows, rows) == line_by_line(rows)


def test_no_rows_print_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert printed(capsys, print_rows, []) == "(nothing)\n"


@pytest.mark.parametrize("value", [
    [{"a": "x\ny\u202e\"\\", "b": [1, [2, {"c": []}], {}], "d": {"e": {"f": [dt.date(2026, 1, 1)]}},
      "g": 1.5, "h": True, "i": None, "j": float("nan"), "k": dt.datetime(2026, 1, 1, 10),
      "ü": "é\x1b"}, {"z": []}],
    [{}], [{"a": 1}, 2], [], [1, 2], {"a": [1, {"b": 2}]}, [{1: "int key"}],
    [{"a": 1}, {"a": 2, 3: "a later int key"}], [{"a": "x"}, {}],
    [{"tags": ["a", "b\n"], "none": [], "mixed": ["a", 1], "deep": [["a"]]}],
])
def test_json_prints_as_json_dump_does(capsys: pytest.CaptureFixture[str], value: Any) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n"
    assert printed(capsys, print_json, value) == expected
