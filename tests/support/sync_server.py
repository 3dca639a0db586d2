"""A real `solo serve` (SyncServer) in a thread on 127.0.0.1, and the set-up every sync test
repeats: one `--once` round as the CLI runs it, and a second device cloned from a first; and
`solo serve` itself in a subprocess."""

from __future__ import annotations

import asyncio
import signal
import ssl
import subprocess
import sys
import textwrap
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from websockets.asyncio.server import ServerConnection, serve

from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync import protocol as p
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
    return {rel: vault.abs(rel).read_bytes() for rel, _ in vault.mirror.walk()}


def write(vault: Vault, rel: str, text: str) -> None:
    path = vault.abs(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def clone(root: Path, of: Vault, remote: Remote) -> Vault:
    """A second device at `root` joining `of`'s vault through `remote`, then scanned."""
    device = Vault.init(root, root_id=of.root_id)
    asyncio.run(sync_once(device, remote, options=FAST))
    device.scan()
    return device


def device_pair(tmp_path: Path, remote: Remote) -> tuple[Vault, Vault]:
    """Device A (a new vault, its root pushed) and device B (cloned from the server)."""
    a = Vault.init(tmp_path / "a")
    a.scan()
    sync(a, remote)
    return a, clone(tmp_path / "b", a, remote)


Behaviour = Callable[[ServerConnection, p.Message], Awaitable[None]]


class FakeServer:
    """A WebSocket server on 127.0.0.1 (its own thread and event loop) that joins like
    automerge-repo, then answers every other message as `behaviour` says."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.port = 0
        self.messages = 0
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def handler(ws: ServerConnection) -> None:
            async for frame in ws:
                msg = p.decode(frame if isinstance(frame, bytes) else b"")
                if isinstance(msg, p.Join):
                    await ws.send(p.encode(p.Peer("fake", msg.sender_id, p.PROTOCOL_VERSION,
                                                  p.PeerMetadata("fake-storage", False))))
                else:
                    self.messages += 1
                    await self.behaviour(ws, msg)

        async def main() -> None:
            self._stop = asyncio.Event()
            async with serve(handler, "127.0.0.1", 0, max_size=None) as server:
                self.port = server.sockets[0].getsockname()[1]
                self._ready.set()
                await self._stop.wait()

        self._loop.run_until_complete(main())

    def __enter__(self) -> FakeServer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    @property
    def remote(self) -> Remote:
        return Remote(f"ws://127.0.0.1:{self.port}/")


SERVE_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from solo.sync.server import main_serve
    sys.exit(main_serve("127.0.0.1", 0, Path(sys.argv[1]), sys.argv[2],
                        ready=lambda port: print(port, flush=True)))
""")


@dataclass
class ServedProcess:
    """`solo serve` (main_serve) running in a subprocess: its URL, data folder and log."""

    url: str
    data: Path
    log: Path
    process: subprocess.Popen[str]

    def peak_rss_mb(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) // 1024


@contextmanager
def serve_in_process(folder: Path, token: str) -> Iterator[ServedProcess]:
    """Run main_serve (what `solo serve` runs) with `token` in a subprocess, data and log in
    `folder`; on leaving, it must still be alive and stop cleanly on SIGTERM."""
    data, log = folder / "data", folder / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen([sys.executable, "-c", SERVE_SCRIPT, str(data), token],
                                   stdout=subprocess.PIPE, stderr=log_file, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline() or 0)
        assert port, log.read_text()
        yield ServedProcess(f"ws://127.0.0.1:{port}", data, log, process)
        assert process.poll() is None, "the server died:\n" + log.read_text()
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0, log.read_text()
    finally:
        process.kill()
        process.wait()
