"""A socket that goes silent (no FIN, no RST) is found dead by pings, and the client reconnects."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from pathlib import Path

from solo.core.config import Remote
from solo.core.vault import Vault
from solo.sync.client import BackgroundSync, sync_once

from .conftest import FAST, TOKEN, ServerThread, write


class FreezingProxy:
    """A TCP forwarder on 127.0.0.1 whose open connections can be frozen (traffic dropped)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.frozen = threading.Event()
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(5)

    def _run(self, ready: threading.Event) -> None:
        async def main() -> None:
            server = await asyncio.start_server(self._client, "127.0.0.1", 0)
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            async with server:
                await server.serve_forever()

        with contextlib.suppress(BaseException):
            self._loop.run_until_complete(main())

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.frozen.is_set():
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            while data := await src.read(65536):
                if self.frozen.is_set():
                    continue  # silently drop: the peer sees a dead but open socket
                dst.write(data)
                await dst.drain()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer),
                             return_exceptions=True)

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)


def test_silent_socket_is_detected_by_pings_and_sync_resumes(tmp_path: Path,
                                                            server: ServerThread) -> None:
    proxy = FreezingProxy(server.port)
    remote = Remote(f"ws://127.0.0.1:{proxy.port}/", TOKEN)
    a = Vault.init(tmp_path / "a")
    write(a, "notes/n.md", "before\n")
    a.scan()
    try:
        with BackgroundSync(a, [remote], options=FAST) as live:
            deadline = time.monotonic() + 10
            while live.statuses()[0].state != "up to date":
                assert time.monotonic() < deadline
                time.sleep(0.02)
            proxy.frozen.set()
            # The frozen proxy keeps the TCP connection open, so the OS never reports it dead:
            # only the client's pings can notice (the bound below is a hang guard, not a speed).
            frozen = time.monotonic()
            while live.statuses()[0].state == "up to date":
                assert time.monotonic() - frozen < 30, "a dead socket went unnoticed"
                time.sleep(0.05)
            a.items.write_file("notes/n.md", "before\nwritten while the link was dead\n")
            proxy.frozen.clear()
            deadline = time.monotonic() + 15
            while not (live.clients[0].connections >= 2
                       and live.statuses()[0].state == "up to date"):
                assert time.monotonic() < deadline, live.statuses()
                time.sleep(0.05)
        b = Vault.init(tmp_path / "b", root_id=a.root_id)
        asyncio.run(sync_once(b, server.remote(), options=FAST))
        b.scan()
        assert b.abs("notes/n.md").read_text() == "before\nwritten while the link was dead\n"
    finally:
        proxy.stop()
