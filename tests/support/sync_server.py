"""A real `solo serve` (SyncServer) on 127.0.0.1 in a thread, and one `sync --once` round as the CLI runs it."""

from __future__ import annotations

import asyncio
import ssl
import threading
from pathlib import Path

from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync.client import Options, SyncReport, sync_once
from solo.sync.server import SyncServer

TOKEN = "s3cret-token"


FAST = Options(ping_interval=1.0, ping_timeout=2.0, stall_timeout=10.0, backoff_min=0.1,
               backoff_max=0.5, auth_backoff=0.5)


class ServerThread:
    """A SyncServer on 127.0.0.1 running in its own thread and event loop; restartable."""

    def __init__(self, data_dir: Path, token: str | None = TOKEN, port: int = 0,
                 tls: ssl.SSLContext | None = None) -> None:
        self.data_dir = data_dir
        self.tls = tls
        self.token = token
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None
        self.server: SyncServer | None = None

    def start(self) -> ServerThread:
        ready = threading.Event()
        failure: list[BaseException] = []

        async def main() -> None:
            self._stop = asyncio.Event()
            try:
                self.server = SyncServer(self.data_dir, port=self.port, token=self.token,
                                         ping_interval=1.0, ping_timeout=2.0, tls=self.tls)
                self.port = await self.server.start()
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                raise
            ready.set()
            await self._stop.wait()
            await self.server.stop()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            try:
                self._loop.run_until_complete(main())
            except BaseException:  # noqa: BLE001 - reported through `failure`
                pass
            finally:
                self._loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(10)
        self._thread = None

    @property
    def url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self.port}/"

    def remote(self, token: str | None = TOKEN) -> Remote:
        return Remote(self.url, token)


def sync(vault: Vault, remote: Remote, full: bool = False) -> SyncReport:
    """One `--once` round, as the CLI runs it (the vault scanned first)."""
    vault.scan()
    return asyncio.run(sync_once(vault, remote, full=full, options=FAST))


def files(vault: Vault) -> dict[str, bytes]:
    return {rel: vault.abs(rel).read_bytes() for rel, _ in vault.walk()}


def write(vault: Vault, rel: str, text: str) -> None:
    path = vault.abs(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)

