"""Sync progress output: one updating line on a terminal, occasional plain lines otherwise."""

from __future__ import annotations

import io

from solo.tui.cli.sync import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal_and_rate_limited() -> None:
    out = io.StringIO()
    progress = Progress("syncing", out)
    progress(10, 100)
    progress(11, 100)  # too soon for another line
    progress.end()
    assert out.getvalue() == "syncing: 10/100 documents\n"


def test_small_syncs_print_nothing_when_not_a_terminal() -> None:
    out = io.StringIO()
    Progress("syncing", out)(1, 3)
    assert out.getvalue() == ""


def test_one_updating_line_on_a_terminal() -> None:
    out = Tty()
    progress = Progress("syncing", out)
    progress(1, 3)
    progress.end()
    assert out.getvalue() == "\rsyncing: 1/3 documents\x1b[K\r\x1b[K"
