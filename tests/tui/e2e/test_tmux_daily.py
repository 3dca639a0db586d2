"""End to end in tmux at 80×24 and 140×40: ctrl+d, a link that creates its note, alt+left,
the Upcoming screen and the tags pane on the real `solo` command (watcher and scan on)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from test_tmux import Tmux, tmux, wait_until

from solo.core.vault import Vault

__all__ = ["tmux"]  # the fixture, shared with test_tmux
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
def test_daily_note_link_back_upcoming_and_tags(example_root: Path, tmux: Tmux,
                                                size: tuple[int, int]) -> None:
    vault = Vault.init(example_root)
    vault.scan()
    vault.close()
    env = {"SOLO_TODAY": "2026-11-26", "SOLO_NOW": "2026-11-26T10:30:00",
           "TERM": "xterm-256color", "SOLO_VAULT": str(example_root),
           "OLLAMA_HOST": "http://127.0.0.1:9"}
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    tmux.run("new-session", "-d", "-s", "solo", "-x", str(size[0]), "-y", str(size[1]),
             f"env {exports} {sys.executable} -m solo.tui")
    tmux.run("set", "-t", "solo", "status", "off")
    wait_until(lambda: "Due today" in tmux.screen(), "the first screen", screen=tmux.screen)

    daily = example_root / "notes" / "daily" / "2026-11-26.md"
    tmux.keys("C-d")
    wait_until(daily.exists, "today's note", screen=tmux.screen)
    wait_until(lambda: "editing" in tmux.screen().rstrip().splitlines()[-1], "the editor",
               screen=tmux.screen)
    tmux.keys("-l", "Call about [[Quiet Hours]]")
    wait_until(lambda: "Call about [[Quiet Hours]]" in tmux.screen(), "the typed link",
               screen=tmux.screen)
    # Each step waits for the one before: keys that arrive in one burst with an arrow
    # key's escape sequence are not always read in the order sent.
    column, row = tmux.cursor()
    tmux.keys("Left", "Left", "Left")
    wait_until(lambda: tmux.cursor() == (column - 3, row), "the cursor inside the link",
               screen=tmux.screen)
    tmux.keys("Enter")
    created = example_root / "notes" / "daily" / "Quiet Hours.md"
    wait_until(created.exists, "the note the link names", screen=tmux.screen)
    wait_until(lambda: "Quiet Hours  ·" in tmux.screen(), "the new note open",
               screen=tmux.screen)
    assert daily.read_text() == "Call about [[Quiet Hours]]"
    tmux.keys("M-Left")
    wait_until(lambda: "2026-11-26  ·" in tmux.screen(), "back to the daily note",
               screen=tmux.screen)

    tmux.keys("Escape")  # alone: ESC and a key sent together read as alt+key
    wait_until(lambda: "editing" not in tmux.screen().rstrip().splitlines()[-1],
               "the editor left", screen=tmux.screen)
    tmux.keys("6")
    wait_until(lambda: "Upcoming 26 Nov" in tmux.screen(), "the Upcoming screen",
               screen=tmux.screen)
    wait_until(lambda: "today (" in tmux.screen() and "↻" in tmux.screen(),
               "today's repeats on Upcoming", screen=tmux.screen)
    tmux.keys("#")
    wait_until(lambda: "Enter filters Tasks" in tmux.screen(), "the tags pane",
               screen=tmux.screen)
    tmux.keys("Escape")
    wait_until(lambda: "Enter filters Tasks" not in tmux.screen(), "the tags pane closed",
               screen=tmux.screen)
    tmux.keys("q")
    wait_until(lambda: not tmux.alive(), "solo to quit", screen=tmux.screen)
