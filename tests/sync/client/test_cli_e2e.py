"""The "Done means" scenario with the real CLI in subprocesses: serve, share, clone, edit, sync."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.solo_cli import run_solo, solo_env

TOKEN = "e2e-token"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`solo serve --port 0 --token` in a subprocess; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "solo.tui", "serve", "--port", "0", "--data",
         str(tmp_path / "server"), "--token", TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=solo_env())
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"ws://127\.0\.0\.1:(\d+)/", line)
        assert found, line + (process.stderr.read() if process.stderr else "")
        yield f"ws://127.0.0.1:{found.group(1)}/"
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    finally:
        process.kill()
        process.wait()


def solo(*args: str) -> str:
    result = run_solo(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_until_up_to_date(vault: Path, command: str) -> tuple[subprocess.Popen[str], list[str]]:
    """`solo --vault VAULT COMMAND` (a live `sync` or `watch`) in a subprocess, once it says
    it is up to date with the server; its first lines."""
    process = subprocess.Popen([sys.executable, "-m", "solo.tui", "--vault", str(vault), command],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=solo_env())
    assert process.stdout is not None
    lines = [process.stdout.readline()]
    while "up to date" not in lines[-1] and len(lines) < 10:
        lines.append(process.stdout.readline())
    if "up to date" not in lines[-1]:
        process.kill()
        process.wait()
        raise AssertionError(lines)
    return process, lines


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.md"))
            if ".solo" not in p.parts}


def test_two_devices_share_clone_edit_sync_delete(tmp_path: Path, served: str) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    (a / "notes").mkdir()
    (a / "notes" / "plan.md").write_text("+++\ntitle = \"Plan\"\n+++\nfirst line\nlast line\n")
    solo("init", str(a))
    solo("--vault", str(a), "add", "task", "Renew AWS certification", "--due", "2026-12-01")
    solo("--vault", str(a), "remote", "add", served, "--token", TOKEN)
    assert "(token)" in solo("--vault", str(a), "remote", "list")
    assert TOKEN not in solo("--vault", str(a), "remote", "list")
    assert "Synced with" in solo("--vault", str(a), "sync", "--once")
    url = solo("--vault", str(a), "share").strip()
    assert url.startswith("automerge:")

    refused = run_solo("clone", served, url, str(b), "--token", "wrong")
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "refused the token" in refused.stderr
    assert not b.exists()

    out = solo("clone", served, url, str(b), "--token", TOKEN)
    assert "2 file(s)" in out
    assert tree(a) == tree(b)

    # Concurrent edits on both devices, then sync rounds.
    (a / "notes" / "plan.md").write_text(
        "+++\ntitle = \"Plan\"\n+++\nfirst line\nedit from A\nlast line\n")
    (b / "notes" / "plan.md").write_text(
        "+++\ntitle = \"Plan\"\n+++\nfirst line\nlast line\nedit from B\n")
    for vault in (a, b, a):
        solo("--vault", str(vault), "sync", "--once")
    assert tree(a) == tree(b)
    text = (a / "notes" / "plan.md").read_text()
    assert "edit from A" in text and "edit from B" in text

    solo("--vault", str(b), "remote", "remove", served)
    assert "no remotes" in solo("--vault", str(b), "remote", "list")
    solo("--vault", str(b), "remote", "add", served, "--token", TOKEN)

    (a / "notes" / "plan.md").unlink()
    solo("--vault", str(a), "sync", "--once")
    solo("--vault", str(b), "sync", "--once")
    assert not (b / "notes" / "plan.md").exists()
    assert tree(a) == tree(b) and len(tree(b)) == 1


def test_sync_with_a_wrong_token_exits_1_and_writes_nothing(tmp_path: Path, served: str) -> None:
    a = tmp_path / "a"
    solo("init", str(a))
    solo("--vault", str(a), "remote", "add", served, "--token", "nope")
    result = run_solo("--vault", str(a), "sync", "--once")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "refused the token" in result.stderr
    assert not (a / ".solo" / "sync.sqlite").exists()


def test_live_sync_command_writes_remote_edits_and_stops_on_sigterm(
        tmp_path: Path, served: str) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    solo("init", str(a))
    solo("--vault", str(a), "add", "note", "Shared", "--body", "v1")
    solo("--vault", str(a), "remote", "add", served, "--token", TOKEN)
    solo("--vault", str(a), "sync", "--once")
    solo("clone", served, solo("--vault", str(a), "share").strip(), str(b), "--token", TOKEN)
    live, lines = start_until_up_to_date(b, "sync")
    try:
        assert any("live" in line for line in lines), lines
        solo("--vault", str(a), "add", "note", "Second", "--body", "v2")
        solo("--vault", str(a), "sync", "--once")
        for _ in range(200):
            if (b / "notes" / "second.md").exists():
                break
            time.sleep(0.05)
        assert (b / "notes" / "second.md").read_bytes() == (a / "notes" / "second.md").read_bytes()
        (b / "notes" / "shared.md").write_text((b / "notes" / "shared.md").read_text() + "from B\n")
        for _ in range(100):  # the watcher ingests, live sync pushes
            solo("--vault", str(a), "sync", "--once")
            if "from B" in (a / "notes" / "shared.md").read_text():
                break
            time.sleep(0.1)
        assert "from B" in (a / "notes" / "shared.md").read_text()
        live.send_signal(signal.SIGTERM)
        assert live.wait(15) == 0
    finally:
        live.kill()
        live.wait()


def test_one_shot_edits_leave_revs_to_the_next_sync_which_sends_them(
        tmp_path: Path, served: str) -> None:
    """`solo done` / `annotate` do not load the root index to update revs (dirty/ markers
    carry them); `list` leaves them, `sync --once` repairs them first and sends the edits."""
    a, b = tmp_path / "a", tmp_path / "b"
    solo("init", str(a))
    solo("--vault", str(a), "add", "task", "Renew certificate")
    solo("--vault", str(a), "add", "note", "Plan", "--body", "v1")
    solo("--vault", str(a), "remote", "add", served, "--token", TOKEN)
    solo("--vault", str(a), "sync", "--once")
    solo("clone", served, solo("--vault", str(a), "share").strip(), str(b), "--token", TOKEN)
    dirty = a / ".solo" / "dirty"

    def marked() -> int:
        return len(list(dirty.iterdir())) if dirty.is_dir() else 0

    assert marked() == 0

    solo("--vault", str(a), "done", "renew-certificate")
    solo("--vault", str(a), "annotate", "plan", "called the registrar")
    assert marked() == 2
    solo("--vault", str(a), "list")
    assert marked() == 2  # a read-only command leaves them

    assert "Synced with" in solo("--vault", str(a), "sync", "--once")
    assert marked() == 0
    solo("--vault", str(b), "sync", "--once")
    assert tree(a) == tree(b)
    assert "status = \"done\"" in (b / "tasks" / "renew-certificate.md").read_text()
    assert "called the registrar" in (b / "notes" / "plan.md").read_text()
    doctor = run_solo("--vault", str(a), "doctor")
    assert doctor.returncode == 0 and "0 finding(s)" in doctor.stdout, doctor.stdout


def test_a_running_watch_sends_what_one_shot_commands_beside_it_change(
        tmp_path: Path, served: str) -> None:
    """`solo watch` syncing live, and `solo done` / `solo add` typed in another terminal: the
    watch process hears the files change, finds the markers those commands left, and sends."""
    a, b = tmp_path / "a", tmp_path / "b"
    solo("init", str(a))
    solo("--vault", str(a), "add", "task", "Call the bank")
    solo("--vault", str(a), "remote", "add", served, "--token", TOKEN)
    solo("--vault", str(a), "sync", "--once")
    solo("clone", served, solo("--vault", str(a), "share").strip(), str(b), "--token", TOKEN)
    watch, _ = start_until_up_to_date(a, "watch")
    try:
        solo("--vault", str(a), "done", "call-the-bank")
        solo("--vault", str(a), "add", "note", "Fresh idea", "--body", "from the CLI")
        task, note = b / "tasks" / "call-the-bank.md", b / "notes" / "fresh-idea.md"
        for _ in range(100):  # the watch process must push: `a` never syncs by itself here
            solo("--vault", str(b), "sync", "--once")
            if note.exists() and 'status = "done"' in task.read_text():
                break
            time.sleep(0.1)
        assert 'status = "done"' in task.read_text()
        assert note.read_bytes() == (a / "notes" / "fresh-idea.md").read_bytes()
        watch.send_signal(signal.SIGTERM)
        assert watch.wait(15) == 0
    finally:
        watch.kill()
        watch.wait()
