"""An interrupted clone resumes (issue 12, finding 10): SIGKILL of a real `solo clone` mid-way.

The clone is held mid-sync by a server that completes the handshake and then never
answers, so the kill lands after the folder exists and before the root index arrived,
every time. Then the real server takes that port, and `solo clone` (or `solo sync`) again
finishes the job instead of saying "already a vault" or "run `solo sync`".
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.solo_cli import run_solo, solo_env
from support.sync_server import TOKEN, ServerThread, sync, write
from websockets.asyncio.server import ServerConnection, serve

from solo.core.vault import Vault
from solo.sync import protocol as p


class SilentServer:
    """Answers `join` with `peer`, then ignores everything; `asked` is set on the first request."""

    def __init__(self) -> None:
        self.asked = threading.Event()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def handler(ws: ServerConnection) -> None:
            async for frame in ws:
                msg = p.decode(frame if isinstance(frame, bytes) else b"")
                if isinstance(msg, p.Join):
                    await ws.send(p.encode(p.Peer("silent", msg.sender_id, p.PROTOCOL_VERSION,
                                                  p.PeerMetadata("silent-storage", False))))
                elif isinstance(msg, p.Sync | p.Request):
                    self.asked.set()

        async def main() -> None:
            self._stop = asyncio.Event()
            async with serve(handler, "127.0.0.1", 0) as server:
                self.port = server.sockets[0].getsockname()[1]
                self._ready.set()
                await self._stop.wait()

        self._loop.run_until_complete(main())

    def __enter__(self) -> SilentServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[Vault, Path]]:
    """Device A with two notes pushed to a real server's data folder (server stopped)."""
    data = tmp_path / "server"
    server = ServerThread(data).start()
    a = Vault.init(tmp_path / "a")
    write(a, "one.md", "# One\n\nfirst\n")
    write(a, "two.md", "# Two\n\nsecond\n")
    sync(a, server.remote())
    server.stop()
    yield a, data
    a.close()


def _kill_and_restart(shared: tuple[Vault, Path], into: Path) -> tuple[ServerThread, str]:
    a, data = shared
    with SilentServer() as silent:
        port = silent.port
        process = subprocess.Popen(
            [sys.executable, "-m", "solo.tui", "clone", f"ws://127.0.0.1:{port}/", a.url,
             str(into), "--token", TOKEN],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=solo_env())
        try:
            assert silent.asked.wait(30), "the clone never asked for the root"
            os.kill(process.pid, signal.SIGKILL)
            assert process.wait(10) == -signal.SIGKILL
        finally:
            process.kill()
            process.wait()
    assert (into / ".solo").is_dir()
    server = ServerThread(data, port=port).start()
    return server, f"ws://127.0.0.1:{port}/"


def test_clone_again_resumes_a_killed_clone(shared: tuple[Vault, Path], tmp_path: Path) -> None:
    a, _ = shared
    into = tmp_path / "b"
    server, url = _kill_and_restart(shared, into)
    try:
        result = run_solo("clone", url, a.url, str(into), "--token", TOKEN)
        assert result.returncode == 0, result.stderr
        assert "already a vault" not in result.stderr
        assert (into / "one.md").read_text() == "# One\n\nfirst\n"
        assert (into / "two.md").read_text() == "# Two\n\nsecond\n"
    finally:
        server.stop()


def test_sync_resumes_a_killed_clone(shared: tuple[Vault, Path], tmp_path: Path) -> None:
    into = tmp_path / "b"
    server, _ = _kill_and_restart(shared, into)
    try:
        result = run_solo("sync", "--once", cwd=into)
        assert result.returncode == 0, result.stderr
        assert "run `solo sync`" not in result.stderr
        assert (into / "one.md").read_text() == "# One\n\nfirst\n"
    finally:
        server.stop()


def test_clone_into_another_vault_is_still_refused(shared: tuple[Vault, Path],
                                                   tmp_path: Path) -> None:
    a, data = shared
    other = Vault.init(tmp_path / "other")
    other.close()
    server = ServerThread(data).start()
    try:
        result = run_solo("clone", server.url, a.url, str(tmp_path / "other"), "--token", TOKEN)
        assert result.returncode == 1
        assert "already a vault" in result.stderr
    finally:
        server.stop()
