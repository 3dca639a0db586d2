"""The sync client: keeps a vault in sync with one or more automerge-repo servers.

- `sync_once(vault, remote)` connects, syncs the root index and every document whose rev
  differs from what this server last agreed on (all of them with `full`), and returns a
  `SyncReport` once everything quiesced.
- `RemoteSync.run_live()` does the same, then stays connected: the server's live changes
  land in files, and local edits (`vault.on_doc_event`) reach the server at once. A lost
  connection (dead socket found by pings, server restart, stalled server) is retried with
  exponential backoff, and the reconnect syncs only what changed meanwhile.
- `BackgroundSync` runs that for every configured remote in its own thread with its own
  event loop (for `solo watch`, `solo sync` and the TUI): `stop()` ends it cleanly, and
  `on_status` receives a `SyncStatus` from that thread on every state change.

Vault I/O blocks, so every Replica call runs on one worker thread per client. Each
connection uses a fresh random peer id and declares itself ephemeral. The agreement ledger
is keyed by the server URL (without token) and the server's storage id, so a server whose
data was wiped is noticed and everything is pushed to it again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from websockets.exceptions import ConnectionClosed

from solo.core.config import Remote
from solo.core.engine.events import DocEvent
from solo.core.engine.replica import Replica
from solo.core.errors import SoloError
from solo.core.model.ids import is_document_id
from solo.core.vault import Vault
from solo.sync.protocol import HEADS_CAPABILITY
from solo.sync.synchronizer import (
    MAX_IN_FLIGHT,
    MAX_REQUESTS,
    MAX_ROUNDS,
    Stalled,
    Synchronizer,
)
from solo.sync.transport import (
    PING_INTERVAL,
    PING_TIMEOUT,
    AuthError,
    ConnectError,
    Connection,
    display_url,
    open_connection,
)

log = logging.getLogger(__name__)


def heads_rev(heads: Iterable[bytes]) -> str:
    """`core.docrepo.doc_rev` computed from heads alone (a test keeps the two equal)."""
    return hashlib.sha256(b"".join(sorted(heads))).hexdigest()[:20]

OFFLINE, CONNECTING, SYNCING, UP_TO_DATE, PENDING = (
    "offline", "connecting", "syncing", "up to date", "pending changes")
LOCAL_DEBOUNCE = 0.02
FOLLOW_UPS = 3  # `run_once`: rounds for changes the run made itself (revs of merges)


@dataclass(frozen=True)
class SyncStatus:
    """What the status line shows for one remote."""

    remote: str
    state: str = OFFLINE
    pending: int = 0
    done: int = 0
    last_error: str | None = None
    last_synced: float | None = None

    @property
    def label(self) -> str:
        if self.state == SYNCING:
            return f"syncing {self.pending}"
        if self.state in (OFFLINE, CONNECTING) and self.last_error:
            return f"{self.state}: {self.last_error}"
        return self.state


@dataclass
class SyncReport:
    """The outcome of one sync round with one server."""

    remote: str
    seconds: float = 0.0
    documents: int = 0
    agreed: int = 0
    messages_in: int = 0
    messages_out: int = 0
    unavailable: list[str] = field(default_factory=list)
    root_missing: bool = False
    problems: list[str] = field(default_factory=list)
    incomplete: bool = False
    """The run was cut short by `Options.once_deadline` (what arrived is kept)."""


@dataclass
class Options:
    """Tuning (tests shorten the timeouts)."""

    max_in_flight: int = MAX_IN_FLIGHT
    max_requests: int = MAX_REQUESTS
    """In flight in all, counting requests for documents this vault lacks (see Synchronizer)."""
    ping_interval: float | None = PING_INTERVAL
    ping_timeout: float | None = PING_TIMEOUT
    stall_timeout: float = 30.0
    backoff_min: float = 0.5
    backoff_max: float = 30.0
    auth_backoff: float = 60.0
    once_attempts: int = 3
    """`run_once`: connection attempts (after a refused connection or one lost mid-way)."""
    once_deadline: float = 1800.0
    """`run_once` ends (with its report, `incomplete`) after this many seconds whatever the
    server does. Within it, an exchange gives up after `max_rounds` server messages, a
    document the server keeps calling unavailable after two pushes is left, and a server
    that stops answering is left after `stall_timeout` (each of `once_attempts` times)."""
    max_rounds: int = MAX_ROUNDS
    subscribe_all: bool = True
    """Live: after what changed, sync every other document too (a few at a time), since a
    server relays live changes only for documents synced on the connection. Without it,
    changes made by non-Solo peers (which do not touch the root index) arrive on reconnect."""


StatusCallback = Callable[[SyncStatus], None]
ProgressCallback = Callable[[int, int], None]


class RemoteSync:
    """Syncs one vault with one server; one connection at a time."""

    def __init__(self, vault: Vault, remote: Remote, *, options: Options | None = None,
                 on_status: StatusCallback | None = None,
                 on_progress: ProgressCallback | None = None,
                 executor: concurrent.futures.Executor | None = None) -> None:
        self.vault = vault
        self.remote = remote
        self.name = display_url(remote.url)
        self.options = options or Options()
        self._on_status = on_status
        self._on_progress = on_progress
        self._own_executor = executor is None
        self._executor = executor or concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="solo-sync-io")
        self.status = SyncStatus(self.name)
        self.sync: Synchronizer | None = None
        self.connections = 0
        self._local: set[str] = set()
        self._local_wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._key: str | None = None  # the ledger key of the current connection
        self._unsubscribe = vault.on_doc_event(self._local_change)

    # --- plumbing --------------------------------------------------------------------------
    async def _run(self, func: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(func, *args))

    def _set_status(self, **changes: Any) -> None:
        new = replace(self.status, **changes)
        if new != self.status:
            self.status = new
            if self._on_status is not None:
                try:
                    self._on_status(new)
                except Exception:  # noqa: BLE001 - a broken display must not stop sync
                    log.exception("status callback failed")

    def _progress(self) -> None:
        sync = self.sync
        if sync is None:
            return
        done = sync.counters.finished
        if sync.pending:
            self._set_status(pending=sync.pending, done=done, state=SYNCING)
        elif self.status.state == SYNCING:
            self._set_status(pending=0, done=done, state=UP_TO_DATE, last_synced=time.time())
        if self._on_progress is not None:
            self._on_progress(done, done + sync.pending)

    def _local_change(self, event: DocEvent) -> None:
        """vault.on_doc_event listener: any thread, under the vault lock; must not block.

        Changes this connection's own server just sent are not work to schedule (the answer
        generated right after covers them); those from anywhere else are."""
        if self._closed:
            return
        if event.origin.is_remote and event.origin.url == self._key:
            return
        ids = list(event.doc_ids)
        if not ids:
            return
        loop = self._loop
        if loop is None or loop.is_closed():
            self._local.update(ids)
            return

        def note() -> None:
            self._local.update(ids)
            if self._local_wake is not None:
                self._local_wake.set()

        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(note)

    async def close(self) -> None:
        self._closed = True
        self._unsubscribe()
        if self._own_executor:
            self._executor.shutdown(wait=True)

    # --- one connection --------------------------------------------------------------------
    async def _connect(self) -> Connection:
        self._set_status(state=CONNECTING)
        opts = self.options
        conn = await open_connection(self.remote.url, self.remote.token,
                                     ping_interval=opts.ping_interval,
                                     ping_timeout=opts.ping_timeout, ca=self.remote.ca)
        self.connections += 1
        return conn

    def _replica_key(self, conn: Connection) -> str:
        return f"{self.name}|{conn.storage_id or ''}"

    async def _session(self, conn: Connection, *, full: bool, live: bool,
                       report: SyncReport) -> None:
        """Sync everything wanted; then, when live, keep going until the connection ends."""
        self._loop = asyncio.get_running_loop()
        self._local_wake = asyncio.Event()
        self._key = self._replica_key(conn)
        replica: Replica = await self._run(Replica, self.vault, self._key)
        sync = self.sync = Synchronizer(
            replica, conn.send, self._run, peer_id=conn.peer_id, server_id=conn.server_id,
            max_in_flight=self.options.max_in_flight, stall_timeout=self.options.stall_timeout,
            on_progress=self._progress, max_rounds=self.options.max_rounds, final_acks=live,
            max_requests=self.options.max_requests)
        started = time.monotonic()
        reader = asyncio.create_task(self._read(conn, sync))
        watchdog = asyncio.create_task(self._watchdog(sync))
        local = asyncio.create_task(self._push_local(sync, replica)) if live else None
        try:
            self._local.clear()  # wanted() below covers every change made before now
            wanted = await self._run(replica.wanted, full)
            if not full:
                wanted += await self._changed_elsewhere(conn, sync, replica, wanted)
            sync.schedule([replica.root_id, *wanted])
            self._set_status(state=SYNCING, pending=sync.pending, last_error=None)
            await self._until_idle(sync, reader, watchdog)
            if not live:
                await self._follow_up(sync, replica, reader, watchdog)
            report.seconds += time.monotonic() - started
            self._set_status(state=UP_TO_DATE, pending=0, last_synced=time.time())
            if live:  # (so the first edit from a peer is not a whole comparison)
                await self._run(replica.settle)
            if live and self.options.subscribe_all:
                sync.subscribe(await self._run(self._all_docs, replica))
            if live:
                done, _ = await asyncio.wait({reader, watchdog},
                                             return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
        finally:
            for pending in (reader, watchdog, local):
                if pending is not None:
                    pending.cancel()
            sync.cancel()
            await asyncio.gather(*(t for t in (reader, watchdog, local) if t is not None),
                                 return_exceptions=True)
            counters = sync.counters
            report.documents += len(counters.docs_touched)
            report.agreed += counters.agreed
            report.messages_in += counters.messages_in
            report.messages_out += counters.messages_out
            report.root_missing = replica.root_id in counters.unavailable
            report.unavailable = sorted(counters.unavailable - {replica.root_id})
            try:
                await self._run(replica.flush)  # new documents that arrived before the end
            except (SoloError, OSError) as exc:
                replica.problems.append(f"new documents not stored ({exc}); the next sync "
                                        "fetches them again")
            report.problems.extend(replica.problems + counters.errors)
            self.sync = None
            await self._run(replica.close)

    @staticmethod
    async def _until_idle(sync: Synchronizer, reader: asyncio.Task[None],
                          watchdog: asyncio.Task[None]) -> None:
        """Until nothing is queued or running; raises the reader's or watchdog's failure."""
        idle = asyncio.create_task(sync.wait_idle())
        try:
            done, _ = await asyncio.wait({reader, watchdog, idle},
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            idle.cancel()
        for task in done:
            task.result()

    async def _follow_up(self, sync: Synchronizer, replica: Replica,
                         reader: asyncio.Task[None], watchdog: asyncio.Task[None]) -> None:
        """One run pushes what the run itself changed: a merge records the document's new
        rev in the root index after the root's exchange ended, and a run that stopped there
        left the other device a round behind. Bounded: a follow-up changes at most revs."""
        for _ in range(FOLLOW_UPS):
            ids, self._local = self._local, set()
            if not ids:
                return
            sync.schedule([*sorted(ids - {replica.root_id}), replica.root_id])
            await self._until_idle(sync, reader, watchdog)

    async def _changed_elsewhere(self, conn: Connection, sync: Synchronizer, replica: Replica,
                                 wanted: list[str]) -> list[str]:
        """Documents a peer changed on the server without touching the root index (a JS
        app's edit): the root's revs cannot tell, the server's heads can.

        A Solo server answers every document's heads in one round trip; from any other
        server, every document the ledger calls agreed is synced again (correct, slower)."""
        candidates = await self._run(self._agreed_docs, replica, set(wanted))
        if not candidates:
            return []
        heads = None
        if HEADS_CAPABILITY in conn.capabilities:
            heads = await sync.ask_heads(sorted(candidates))
        if heads is None:
            return sorted(candidates)
        return sorted(d for d, rev in candidates.items()
                      if d not in heads or heads_rev(heads[d]) != rev)

    @staticmethod
    def _agreed_docs(replica: Replica, wanted: set[str]) -> dict[str, str]:
        """Documents held here and not already wanted, with the rev this remote agreed on."""
        # The ledger holds only ids checked when agreed, and `wanted` every live document not
        # stored here: of the rest, only a tombstone's document may be missing.
        entries = replica.entries()
        return {d: rev for d, rev in replica.ledger.agreed(replica.remote).items()
                if d in entries and d not in wanted
                and not (entries[d].get("deleted") is True and not replica.has(d))}

    @staticmethod
    def _all_docs(replica: Replica) -> list[str]:
        return sorted(d for d, e in replica.entries().items() if is_document_id(d)
                      and not (e.get("deleted") is True and not replica.has(d)))

    async def _read(self, conn: Connection, sync: Synchronizer) -> None:
        try:
            while True:
                await sync.handle(await conn.recv())
        except ConnectionClosed as exc:
            raise ConnectError(f"connection to {self.name} lost ({exc})") from None

    async def _watchdog(self, sync: Synchronizer) -> None:
        while True:
            await asyncio.sleep(min(1.0, sync.stall_timeout / 4))
            sync.check()

    async def _push_local(self, sync: Synchronizer, replica: Replica) -> None:
        assert self._local_wake is not None
        while True:
            await self._local_wake.wait()
            await asyncio.sleep(LOCAL_DEBOUNCE)  # gather a burst of edits into one round
            self._local_wake.clear()
            ids, self._local = self._local, set()
            if ids:
                sync.schedule([*sorted(ids - {replica.root_id}), replica.root_id])
                self._set_status(state=SYNCING, pending=sync.pending)

    # --- public ----------------------------------------------------------------------------
    async def run_once(self, *, full: bool = False) -> SyncReport:
        """One round: connect, sync what is wanted until quiet, disconnect.

        Raises AuthError, ConnectError, Stalled. Ends within `Options.once_deadline`.
        """
        report = SyncReport(self.name)
        try:
            async with asyncio.timeout(self.options.once_deadline):
                return await self._attempts(report, full)
        except TimeoutError:
            report.incomplete = True
            report.problems.append(
                f"stopped after {self.options.once_deadline:.0f} s with {self.name} still "
                "exchanging; what arrived is kept, the next sync continues")
            self._set_status(state=OFFLINE, last_error="stopped at the deadline")
            return report

    async def _attempts(self, report: SyncReport, full: bool) -> SyncReport:
        delay = self.options.backoff_min
        for attempt in range(1, self.options.once_attempts + 1):
            try:
                conn = await self._connect()
                try:
                    await self._session(conn, full=full, live=False, report=report)
                finally:
                    await conn.close()
                return report
            except AuthError:
                self._set_status(state=OFFLINE)
                raise
            except (ConnectError, Stalled, ConnectionClosed) as exc:
                self._set_status(state=OFFLINE, last_error=str(exc))
                if attempt == self.options.once_attempts:
                    raise
                log.info("sync with %s interrupted (%s); retrying", self.name, exc)
                await asyncio.sleep(delay)
                delay = min(self.options.backoff_max, delay * 2)
        return report

    async def run_live(self, *, full: bool = False) -> None:
        """Sync and stay connected until cancelled; reconnect with backoff after failures."""
        delay = self.options.backoff_min
        first = True
        while True:
            report = SyncReport(self.name)
            try:
                conn = await self._connect()
            except AuthError as exc:
                self._set_status(state=OFFLINE, last_error=str(exc))
                await asyncio.sleep(self.options.auth_backoff)
                continue
            except ConnectError as exc:
                self._set_status(state=PENDING if self._local else OFFLINE,
                                 last_error=str(exc), pending=len(self._local))
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(self.options.backoff_max, delay * 2)
                continue
            try:
                await self._session(conn, full=full and first, live=True, report=report)
            except (ConnectError, Stalled, OSError, ConnectionClosed) as exc:
                log.info("sync with %s interrupted: %s", self.name, exc)
                self._set_status(state=OFFLINE, last_error=str(exc))
            except Exception as exc:  # noqa: BLE001 - live sync must outlive any one failure
                log.exception("sync with %s failed", self.name)
                self._set_status(state=OFFLINE, last_error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(self.options.backoff_max)
            finally:
                await conn.close()
            first = False
            delay = self.options.backoff_min
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))


async def sync_once(vault: Vault, remote: Remote, *, full: bool = False,
                    options: Options | None = None,
                    on_progress: ProgressCallback | None = None) -> SyncReport:
    """Connect to one server, sync until quiet, disconnect; raises AuthError/ConnectError."""
    client = RemoteSync(vault, remote, options=options, on_progress=on_progress)
    try:
        return await client.run_once(full=full)
    finally:
        await client.close()


async def check_remote(remote: Remote, options: Options | None = None) -> str | None:
    """Connect and join once (nothing is synced); the server's storage id. Raises on failure."""
    opts = options or Options()
    conn = await open_connection(remote.url, remote.token, ping_interval=opts.ping_interval,
                                 ping_timeout=opts.ping_timeout, ca=remote.ca)
    await conn.close()
    return conn.storage_id


class BackgroundSync:
    """Live sync with every given remote in a dedicated thread; `stop()` ends it."""

    def __init__(self, vault: Vault, remotes: Iterable[Remote], *,
                 on_status: StatusCallback | None = None, options: Options | None = None,
                 full: bool = False) -> None:
        self.vault = vault
        self.remotes = list(remotes)
        self.options = options or Options()
        self.full = full
        self._on_status = on_status
        self._loop: asyncio.AbstractEventLoop | None = None
        self._main: asyncio.Task[None] | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._thread_main, name="solo-sync", daemon=True)
        self.clients: list[RemoteSync] = []
        self.error: BaseException | None = None

    def start(self) -> BackgroundSync:
        self._thread.start()
        self._ready.wait(10)
        return self

    def statuses(self) -> list[SyncStatus]:
        return [client.status for client in self.clients]

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._amain())
        except BaseException as exc:  # noqa: BLE001 - reported through .error
            self.error = exc
        finally:
            self._ready.set()
            loop.close()

    async def _amain(self) -> None:
        executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="solo-sync-io")
        self.clients = [RemoteSync(self.vault, remote, options=self.options,
                                   on_status=self._on_status, executor=executor)
                        for remote in self.remotes]
        self._main = asyncio.current_task()
        self._ready.set()
        try:
            await asyncio.gather(*(c.run_live(full=self.full) for c in self.clients))
        except asyncio.CancelledError:
            pass
        finally:
            for client in self.clients:
                await client.close()
            await asyncio.get_running_loop().run_in_executor(None, executor.shutdown)

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel every connection, wait for the thread to end."""
        loop, main = self._loop, self._main
        if loop is not None and main is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(main.cancel)
        self._thread.join(timeout)

    def __enter__(self) -> BackgroundSync:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_background_sync(vault: Vault, on_status: StatusCallback | None = None,
                          options: Options | None = None) -> BackgroundSync | None:
    """Live sync with the vault's configured remotes (None when it has none); `.stop()` ends it.

    For `solo watch` and the TUI: `on_status` is called from the sync thread.
    """
    if not vault.config.remotes:
        return None
    return BackgroundSync(vault, vault.config.remotes, on_status=on_status,
                          options=options).start()
