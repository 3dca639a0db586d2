"""Faults: the server killed and restarted mid-sync, a client SIGKILLed mid-push and mid-pull."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.generate import generate_vault
from support.solo_cli import run_solo, solo_env

from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync.client import BackgroundSync

from .conftest import FAST, files

TOKEN = "fault-token"
NOTES = 300


class Served:
    """`solo serve` as a subprocess that can be SIGKILLed and restarted on the same port."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = 0
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> Served:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "solo.tui", "serve", "--port", str(self.port), "--data",
             str(self.data), "--token", TOKEN],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=solo_env())
        assert self.process.stdout is not None
        found = re.search(r":(\d+)/", self.process.stdout.readline())
        assert found
        self.port = int(found.group(1))
        return self

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def stored(self) -> int:
        return sum(1 for _ in (self.data / "docs").rglob("*")) if (self.data / "docs").exists() \
            else 0


def wait_until(predicate: object, seconds: float = 60.0) -> None:
    start = time.monotonic()
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() - start < seconds, "condition not reached in time"
        time.sleep(0.02)


def make_vault(root: Path, served: Served) -> Vault:
    generate_vault(root, NOTES)
    vault = Vault.init(root)
    vault.scan()
    vault.config.remotes.append(Remote(served.url, TOKEN))
    vault.save_config()
    return vault


def solo(*args: str) -> str:
    result = run_solo(*args, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_server_killed_and_restarted_mid_sync_loses_nothing(tmp_path: Path) -> None:
    served = Served(tmp_path / "server").start()
    try:
        a = make_vault(tmp_path / "a", served)
        with BackgroundSync(a, a.config.remotes, options=FAST) as live:
            wait_until(lambda: served.stored() > 40)
            served.kill()
            wait_until(lambda: live.statuses()[0].state in ("offline", "connecting"))
            served.start()  # same port, same data
            wait_until(lambda: live.clients[0].connections >= 2)
            wait_until(lambda: live.statuses()[0].state == "up to date")
            a.items.write_file("notes/after-restart.md", "written after the restart\n")
            new_id = a.index.by_path("notes/after-restart.md").doc_id  # type: ignore[union-attr]
            assert new_id
            # The server holding the new document proves the push ran after the restart.
            wait_until(lambda: any((served.data / "docs").rglob(f"{new_id}.*")))
            wait_until(lambda: live.statuses()[0].state == "up to date")
        solo("clone", served.url, a.url, str(tmp_path / "b"), "--token", TOKEN)
        b = Vault(tmp_path / "b")
        assert files(a) == files(b) and len(files(b)) == NOTES + 1
    finally:
        served.kill()


def test_client_killed_mid_push_and_mid_pull_resumes(tmp_path: Path) -> None:
    served = Served(tmp_path / "server").start()
    try:
        a = make_vault(tmp_path / "a", served)
        a.close()
        push = subprocess.Popen([sys.executable, "-m", "solo.tui", "--vault", str(tmp_path / "a"),
                                 "sync", "--once"], env=solo_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: served.stored() > 40 or push.poll() is not None)
        push.send_signal(signal.SIGKILL)
        push.wait()
        solo("--vault", str(tmp_path / "a"), "sync", "--once")

        url = solo("--vault", str(tmp_path / "a"), "share").strip()
        b_root = tmp_path / "b"
        pull = subprocess.Popen([sys.executable, "-m", "solo.tui", "clone", served.url, url,
                                 str(b_root), "--token", TOKEN], env=solo_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: len(list(b_root.rglob("*.md"))) > 40 or pull.poll() is not None)
        pull.send_signal(signal.SIGKILL)
        pull.wait()
        solo("--vault", str(b_root), "sync", "--once")
        a, b = Vault(tmp_path / "a"), Vault(b_root)
        b.scan()
        assert files(a) == files(b) and len(files(b)) == NOTES
        solo("--vault", str(b_root), "sync", "--once")
        solo("--vault", str(tmp_path / "a"), "sync", "--once")
        assert files(a) == files(Vault(b_root))
    finally:
        served.kill()
