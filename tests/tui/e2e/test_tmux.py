"""End to end: the real `solo` command in tmux — first screen, an external edit, quick add, quit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from solo.core.vault import Vault

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One tmux server on a private socket, running one session."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-f", "/dev/null", "-L", self.socket, *args],
                              capture_output=True, text=True, check=check, timeout=10)

    def screen(self) -> str:
        result = self.run("capture-pane", "-p", "-t", "solo", check=False)
        return result.stdout

    def alive(self) -> bool:
        return self.run("has-session", "-t", "solo", check=False).returncode == 0

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "solo", *keys)

    def cursor(self) -> tuple[int, int]:
        """Where the terminal cursor is (Textual puts it at the focused editor's cursor)."""
        shown = self.run("display", "-p", "-t", "solo", "#{cursor_x} #{cursor_y}").stdout.split()
        return int(shown[0]), int(shown[1])


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 30.0,
               screen: Callable[[], str] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    shown = screen() if screen else ""
    raise AssertionError(f"timed out waiting for {what}\n{shown}")


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    server = Tmux(f"solo-e2e-{os.getpid()}-{tmp_path.name}")
    yield server
    server.run("kill-server", check=False)
    folder = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
    (folder / server.socket).unlink(missing_ok=True)


def test_solo_in_tmux(example_root: Path, tmux: Tmux) -> None:
    vault = Vault.init(example_root)
    vault.scan()
    vault.close()
    env = {"SOLO_TODAY": "2026-11-26", "SOLO_NOW": "2026-11-26T10:30:00",
           "TERM": "xterm-256color", "SOLO_VAULT": str(example_root)}
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    command = f"env {exports} {sys.executable} -m solo.tui"
    tmux.run("new-session", "-d", "-s", "solo", "-x", "120", "-y", "40", command)

    wait_until(lambda: "Submit talk proposal to Cloud Nord" in tmux.screen(),
               "the task due today on the first screen", screen=tmux.screen)
    wait_until(lambda: "Due today" in tmux.screen(), "the Due today section",
               screen=tmux.screen)

    (example_root / "tasks" / "pay-the-e2e-invoice.md").write_text(
        '+++\ntitle = "Pay the e2e invoice"\nstatus = "next"\ndue = 2026-11-26\n+++\n')
    wait_until(lambda: "Pay the e2e invoice" in tmux.screen(), "the external edit",
               screen=tmux.screen)

    tmux.keys("a")
    wait_until(lambda: "Quick add task" in tmux.screen(), "the quick add dialog",
               screen=tmux.screen)
    tmux.keys("-l", "Buy printer ink #home !low")
    tmux.keys("Enter")
    added = example_root / "tasks" / "buy-printer-ink.md"
    wait_until(added.exists, "the new task file", screen=tmux.screen)
    assert 'tags = ["home"]' in added.read_text() and 'priority = "low"' in added.read_text()

    tmux.keys("q")
    wait_until(lambda: not tmux.alive(), "solo to quit", screen=tmux.screen)


def test_typing_a_question_at_80x24_runs_no_task_action(example_root: Path, tmux: Tmux,
                                                        tmp_path: Path) -> None:
    """The finding of issue 11, replayed on the real command (watcher and scan on): ctrl+j, then
    a question that is full of task keys (e, x, f…) goes to the pane, nowhere else."""
    vault = Vault.init(example_root)
    vault.scan()
    vault.close()
    opened = tmp_path / "editor-opened"
    editor = tmp_path / "editor.sh"
    editor.write_text(f"#!/bin/sh\ntouch {opened}\n")
    editor.chmod(0o755)
    before = {p: p.read_bytes() for p in (example_root / "tasks").iterdir()}
    env = {"SOLO_TODAY": "2026-11-26", "SOLO_NOW": "2026-11-26T10:30:00",
           "TERM": "xterm-256color", "SOLO_VAULT": str(example_root), "EDITOR": str(editor),
           "OLLAMA_HOST": "http://127.0.0.1:9"}
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    tmux.run("new-session", "-d", "-s", "solo", "-x", "80", "-y", "24",
             f"env {exports} {sys.executable} -m solo.tui")
    wait_until(lambda: "Due today" in tmux.screen(), "the first screen", screen=tmux.screen)
    wait_until(lambda: "? more" in tmux.screen().rstrip().splitlines()[-1],  # fits 80 columns
               "the footer's last key", screen=tmux.screen)

    tmux.keys("C-j")
    wait_until(lambda: "Assistant" in tmux.screen(), "the assistant pane", screen=tmux.screen)
    tmux.keys("-l", "Next exam? fix the export, e x f d")
    wait_until(lambda: "fix the export, e x f d" in tmux.screen(), "the question in the pane",
               screen=tmux.screen)
    # the footer recomposes when the focus moves (a frame may show it blank): wait for it
    wait_until(lambda: "editing" in tmux.screen().rstrip().splitlines()[-1],
               "the footer saying the pane's input has the keys", screen=tmux.screen)
    tmux.keys("Escape")
    wait_until(lambda: "Assistant ·" not in tmux.screen(), "the pane closed", screen=tmux.screen)
    assert not opened.exists()  # $EDITOR never ran
    assert {p: p.read_bytes() for p in (example_root / "tasks").iterdir()} == before
    assert not (example_root / ".solo" / "focus-running.toml").exists()
    tmux.keys("q")
    wait_until(lambda: not tmux.alive(), "solo to quit", screen=tmux.screen)
