"""The per-connection document exchange: which documents to sync, how many at once, when each is done.

One `Synchronizer` lives as long as one server connection (sync states cannot outlive it).
For each scheduled document it runs an exchange: our first message (`request` when we lack
the document, `sync` otherwise), then the server's answers, each received into the vault
through the Replica and answered, until the exchange quiesces. An exchange is done when we
have nothing to send after the server's latest message, or when our answer carries the same
heads as that message (an acknowledgement, which the server does not answer); at that point
both sides hold the same changes and the Replica records the agreement. At most
`max_in_flight` exchanges we started wait for the server at once, besides requests for
documents we lack (up to `max_requests` in all): those hold no document while they wait, and
keep the server busy while the vault stores what already arrived. A `doc-unavailable`
answer means the server lacks the document: we push ours if we have it, else it is simply
not there yet (the server sends it if it arrives while we stay connected).

Every exchange is bounded, so a hostile or broken server cannot keep a run going forever:
an exchange that has not converged after `max_rounds` messages from the server is given up
for this connection (one problem line; the next sync tries again), and a document the
server still calls unavailable after we pushed it `MAX_UNAVAILABLE_PUSHES` times is left
as unavailable.

All Replica calls run through `run` (a single worker thread): vault I/O blocks.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from solo.core.engine.crdt import CrdtError, Doc, SyncState, sync_message_heads
from solo.core.engine.replica import Replica
from solo.core.errors import SoloError
from solo.sync import protocol as p

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 16  # within the vault's cache of 32 loaded documents: more only reloads them
MAX_REQUESTS = 64  # exchanges in flight when requests for documents we lack are among them
MAX_ROUNDS = 64  # messages from the server in one exchange; a real one converges in 2 or 3
MAX_UNAVAILABLE_PUSHES = 2
HEADS_BATCH = 1000  # documents per heads question
BATCH_NEW = 24  # new documents per group commit: within the cache of 32, ~20 MB held
T = TypeVar("T")
Runner = Callable[..., Awaitable[Any]]

class Stalled(SoloError):
    """The server left an exchange unanswered for too long: the connection is restarted."""


@dataclass
class Counters:
    """What one connection did (for progress, tests and benchmarks)."""

    started: int = 0
    finished: int = 0
    agreed: int = 0
    messages_in: int = 0
    messages_out: int = 0
    docs_touched: set[str] = field(default_factory=set)
    unavailable: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)


class Synchronizer:
    """Exchanges for one Replica over one connection; `handle` every incoming message."""

    def __init__(self, replica: Replica, send: Callable[[p.Message], Awaitable[None]],
                 run: Runner, *, peer_id: str, server_id: str,
                 max_in_flight: int = MAX_IN_FLIGHT, stall_timeout: float = 30.0,
                 on_progress: Callable[[], None] | None = None,
                 max_rounds: int = MAX_ROUNDS, batch_new: int = BATCH_NEW,
                 final_acks: bool = True, max_requests: int = MAX_REQUESTS) -> None:
        self.replica = replica
        self.final_acks = final_acks
        """False (a run that disconnects when quiet): an exchange's last message, which
        only tells the server we hold its heads, is not sent — it costs the server a
        receive and a generate per document and nothing uses it after we leave."""
        replica.batch_new = max(0, batch_new)
        self._send = send
        self._run = run
        self.peer_id = peer_id
        self.server_id = server_id
        self.max_in_flight = max(1, max_in_flight)
        self.max_requests = max(self.max_in_flight, max_requests)
        self.requests: set[str] = set()       # active, our request not answered yet
        self.lacking: set[str] = set()        # not held here when the root index named them
        self.background_cap = max(1, self.max_in_flight // 8)
        self.stall_timeout = stall_timeout
        self._on_progress = on_progress or (lambda: None)
        self.states: dict[str, SyncState] = {}
        self.queue: dict[str, None] = {}      # waiting to start, in order
        self.active: dict[str, float | None] = {}  # started by us: time of our last send
        self.dirty: set[str] = set()          # changed while active: run again afterwards
        self.later: dict[str, None] = {}      # low priority: only to hear of live changes
        self.background: set[str] = set()     # active exchanges started from `later`
        self.counters = Counters()
        self.max_rounds = max(2, max_rounds)
        self.rounds: dict[str, int] = {}      # server messages in the current exchange
        self.pushes: dict[str, int] = {}      # our pushes answered by doc-unavailable
        self.given_up: set[str] = set()       # not converging: ignored on this connection
        self._heads_answers: asyncio.Queue[p.Unknown] = asyncio.Queue()
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._failure: BaseException | None = None
        self._root_done = False  # the root index's exchange ended on this connection
        self._revs_later: set[str] = set()  # revs to publish once it has

    # --- scheduling ------------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Exchanges queued or running, background subscriptions excluded."""
        return len(self.queue) + len(self.active) - len(self.background)

    @property
    def settled(self) -> bool:
        """Nothing queued, running, or waiting to be subscribed."""
        return not (self.queue or self.active or self.later)

    def subscribe(self, doc_ids: Iterable[str]) -> None:
        """Sync these too, after everything else and a few at a time: a server sends live
        changes only for documents a peer has synced on this connection."""
        for doc_id in doc_ids:
            if doc_id not in self.states and doc_id not in self.queue:
                self.later[doc_id] = None
        self._pump()

    def schedule(self, doc_ids: Iterable[str], *, first: bool = False) -> None:
        """Sync these documents (again); those already running are rerun after they finish."""
        added = []
        for doc_id in doc_ids:
            if doc_id in self.given_up:
                continue
            if doc_id in self.active:
                self.dirty.add(doc_id)
                self.background.discard(doc_id)
            elif doc_id not in self.queue:
                added.append(doc_id)
                self.later.pop(doc_id, None)
        if first and added:
            rest = self.queue
            self.queue = dict.fromkeys(added)
            self.queue.update(rest)
        else:
            self.queue.update(dict.fromkeys(added))
        self._pump()

    def _pump(self) -> None:
        while self.queue and len(self.active) - len(self.requests) < self.max_in_flight \
                and len(self.active) < self.max_requests:
            doc_id = next(iter(self.queue))
            del self.queue[doc_id]
            self.active[doc_id] = None
            self.counters.started += 1
            self._spawn(self._start(doc_id))
        while self.later and not self.queue and len(self.background) < self.background_cap \
                and len(self.active) < self.max_in_flight:
            doc_id = next(iter(self.later))
            del self.later[doc_id]
            if doc_id in self.states or doc_id in self.active:
                continue
            self.active[doc_id] = None
            self.background.add(doc_id)
            self._spawn(self._start(doc_id))
        if not self.queue and len(self.active) == len(self.background):
            self._idle.set()
        else:
            self._idle.clear()

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and self._failure is None:
            self._failure = task.exception()
            self._idle.set()  # wake whoever waits, so the failure surfaces

    async def wait_idle(self) -> None:
        """Until nothing is queued or running; re-raises a failure of an exchange."""
        while True:
            await self._idle.wait()
            if self._failure is not None:
                raise self._failure
            if not self.queue and len(self.active) == len(self.background):
                if self.replica.arrived:  # quiet: store what arrived before saying so
                    await self._run(self.replica.flush)
                    continue
                return
            self._idle.clear()

    def check(self) -> None:
        """Raise Stalled when the server left an exchange unanswered too long (or a failure)."""
        if self._failure is not None:
            raise self._failure
        now = time.monotonic()
        for doc_id, since in self.active.items():
            if since is not None and now - since > self.stall_timeout:
                raise Stalled(f"no answer for document {doc_id} in {self.stall_timeout:.0f} s")

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def ask_heads(self, doc_ids: list[str]) -> dict[str, list[bytes]] | None:
        """The server's heads for these documents (the Solo extension), in batches.

        None when the server sent something malformed or left a batch unanswered for
        `stall_timeout`: the caller then syncs every document instead."""
        out: dict[str, list[bytes]] = {}
        # Small batches, all sent at once: the server answers each in turn (serving other
        # peers between them), and a server cold after a restart (it reads each document's
        # bytes once) is judged per batch, not on 10,000 documents within one stall timeout.
        step = min(HEADS_BATCH, p.MAX_HEADS_IDS)
        batches = [doc_ids[start:start + step] for start in range(0, len(doc_ids), step)]
        for batch in batches:
            await self._out(p.heads_request(self.peer_id, self.server_id, batch))
        for _ in batches:
            try:
                async with asyncio.timeout(self.stall_timeout):
                    answer = await self._heads_answers.get()
                out.update(p.answered_heads(answer))
            except (TimeoutError, p.ProtocolError) as exc:
                log.warning("the server's heads answer is unusable (%s); checking every "
                            "document instead", exc or "no answer in time")
                return None
        return out

    # --- exchanges -------------------------------------------------------------------------
    async def _start(self, doc_id: str) -> None:
        fresh = doc_id not in self.states
        state = self.states.setdefault(doc_id, SyncState())
        if fresh and doc_id in self.lacking:
            # A request from nothing, made here: the same message the vault's empty copy
            # would give, without a trip to the vault's thread (a clone makes a thousand).
            # Held after all by the time the answer comes (another remote's run stored it):
            # the answer merges into what is stored, as any sync does.
            self.lacking.discard(doc_id)
            had, data, agreed = False, Doc.new().generate_sync_message(state), False
        else:
            self.lacking.discard(doc_id)
            had, data, agreed = await self._run(self._first_message, doc_id, state, fresh)
        if data is None:
            self._finish(doc_id, agreed)
            return
        kind = p.Sync if had else p.Request
        self.active[doc_id] = time.monotonic()
        if not had:
            self.requests.add(doc_id)  # holds nothing until answered: room for another
        await self._out(kind(self.peer_id, self.server_id, doc_id, data))
        if not had:
            self._pump()

    def _first_message(self, doc_id: str, state: SyncState,
                       fresh: bool) -> tuple[bool, bytes | None, bool]:
        with self.replica.vault.lock:
            had = self.replica.has(doc_id)
            data = self.replica.generate(doc_id, state)
            agreed = False
            if data is None and not fresh and had:
                # Nothing new since the last exchange, which ended in agreement.
                self.replica.agreed_now(doc_id)
                agreed = True
            return had, data, agreed

    def _receive(self, doc_id: str, state: SyncState, data: bytes,
                 quiet: bool) -> tuple[list[str], set[str], bytes | None, bool]:
        """Receive, answer; store the new documents held in memory once they are a batch or
        nothing else is running (`quiet`). Returns the documents the message made wanted
        (and which of them are not held here), the answer, and whether the exchange ended."""
        with self.replica.vault.lock:
            wanted = self.replica.receive(doc_id, state, data)
            lacking = self.replica.lacking(wanted) if wanted else set()
            reply = self.replica.generate(doc_id, state)
            done = reply is None or sync_message_heads(reply) == sync_message_heads(data)
            if done and not self.replica.agree_when_stored(doc_id) and self.replica.has(doc_id):
                self._publish_rev(doc_id)
                self.replica.agreed_now(doc_id)
            if done and doc_id == self.replica.root_id and not self._root_done:
                self._root_done = True
                for later in sorted(self._revs_later):
                    self._publish_rev(later)
                self._revs_later.clear()
            if self.replica.arrived >= self.replica.batch_new or (quiet and done):
                self.replica.flush()
            return wanted, lacking, reply, done

    def _publish_rev(self, doc_id: str) -> None:
        """A peer that never writes the root index (a JS app) changed this document: put its
        rev there, so the next run's fast path and other Solo devices see the change."""
        if doc_id == self.replica.root_id:
            return
        if not self._root_done:
            # The server's root may carry this rev already (a Solo peer's edit whose root
            # change has not arrived yet): publishing now would make a needless change.
            self._revs_later.add(doc_id)
            return
        entry = self.replica.repo.root_entry(doc_id)
        if entry is None or entry.get("deleted") is True:
            return
        self.replica.mirror.record_rev(doc_id, self.replica.repo.load(doc_id))

    async def handle(self, msg: p.Message) -> None:
        """Process one message from the server (called in arrival order)."""
        if getattr(msg, "sender_id", self.server_id) != self.server_id:
            return
        if isinstance(msg, p.Sync | p.Request):
            await self._on_sync(msg.document_id, msg.data)
        elif isinstance(msg, p.DocUnavailable):
            await self._on_unavailable(msg.document_id)
        elif isinstance(msg, p.Unknown) and msg.type == p.HEADS_ANSWER:
            self._heads_answers.put_nowait(msg)
        elif isinstance(msg, p.Error):
            log.warning("the server reports an error: %s", msg.message[:300])
            self.counters.errors.append(msg.message[:300])

    def _give_up(self, doc_id: str, message: str) -> None:
        log.warning(message)
        self.counters.errors.append(message)
        self.given_up.add(doc_id)
        self.states.pop(doc_id, None)
        self.dirty.discard(doc_id)
        self._finish(doc_id, False)

    async def _on_sync(self, doc_id: str, data: bytes) -> None:
        state = self.states.get(doc_id)
        if state is None:
            log.debug("ignoring a sync message for %s, a document we never named", doc_id)
            return
        self.counters.messages_in += 1
        self.counters.docs_touched.add(doc_id)
        rounds = self.rounds[doc_id] = self.rounds.get(doc_id, 0) + 1
        if rounds > self.max_rounds:
            self._give_up(doc_id, f"document {doc_id}: the server did not converge in "
                                  f"{self.max_rounds} messages; left for the next sync")
            return
        ours = doc_id in self.active
        if ours:
            self.active[doc_id] = None  # answered; processing
        self.requests.discard(doc_id)
        try:
            quiet = self.pending <= (1 if ours and doc_id not in self.background else 0)
            wanted, lacking, reply, done = await self._run(self._receive, doc_id, state, data,
                                                           quiet)
        except CrdtError as exc:
            # Hostile or corrupt content: drop this document for this connection.
            message = f"document {doc_id} from the server refused: {exc}"
            log.warning(message)
            self.counters.errors.append(message)
            self.replica.problems.append(message)
            self.states.pop(doc_id, None)
            self._finish(doc_id, False)
            return
        if wanted:
            self.lacking.update(lacking)
            self.schedule(wanted)
        if reply is not None and (self.final_acks or not done):
            if not done and ours:
                self.active[doc_id] = time.monotonic()
            await self._out(p.Sync(self.peer_id, self.server_id, doc_id, reply))
        if done:
            self.counters.unavailable.discard(doc_id)
            self.rounds.pop(doc_id, None)
            if ours:
                self._finish(doc_id, True)
        elif not ours:
            # The server started this exchange (a live change); track it as ours from now on.
            self.active[doc_id] = time.monotonic()
            self._pump()
        self._on_progress()

    async def _on_unavailable(self, doc_id: str) -> None:
        if doc_id not in self.states:
            return
        self.counters.messages_in += 1
        self.requests.discard(doc_id)
        pushes = self.pushes.get(doc_id, 0)
        if pushes < MAX_UNAVAILABLE_PUSHES and await self._run(self.replica.has, doc_id):
            self.pushes[doc_id] = pushes + 1
            # We hold it after all (made meanwhile): push it.
            state = self.states[doc_id] = SyncState()
            data = await self._run(self.replica.generate, doc_id, state)
            if data is not None:
                self.active[doc_id] = time.monotonic()
                await self._out(p.Sync(self.peer_id, self.server_id, doc_id, data))
                return
        self.counters.unavailable.add(doc_id)
        if doc_id in self.active:
            self._finish(doc_id, False)

    def _finish(self, doc_id: str, agreed: bool) -> None:
        if self.active.pop(doc_id, "absent") == "absent":
            return
        self.requests.discard(doc_id)
        self.background.discard(doc_id)
        self.counters.finished += 1
        if agreed:
            self.counters.agreed += 1
        if doc_id in self.dirty:
            self.dirty.discard(doc_id)
            self.schedule([doc_id], first=True)
        self._pump()
        self._on_progress()

    async def _out(self, msg: p.Message) -> None:
        self.counters.messages_out += 1
        await self._send(msg)
