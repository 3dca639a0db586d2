"""Decompression bombs (issue 12, finding 6): decoded-size caps on the server and the client.

A JS-made document whose body holds 10 million characters fits in a ~10 KB sync message;
applying it used to block `solo serve` for over a minute at gigabytes. The caps of
`solo.core.engine.crdt_limits` measure a message from its bytes and refuse it before the binding
decodes anything.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from support.js_peer import INTEROP_DIR, js_create, js_read, require_interop
from support.sync_helpers import SyncClient, make_note
from support.sync_server import ServedProcess, serve_in_process
from websockets.asyncio.client import ClientConnection, connect

from solo.core.engine.crdt import Doc, DocTooBig, SyncState
from solo.core.engine.crdt_limits import Caps, LimitExceeded, measure_chunks, scan_sync_message
from solo.core.engine.storage import MemoryStore
from solo.core.engine.store import DocStore
from solo.core.model.ids import new_document_id
from solo.sync import protocol as p
from solo.sync.docs import ServerDocs
from solo.sync.server import SyncServer

TOKEN = "bomb-token"


@pytest.fixture
def solo_server(tmp_path: Path) -> Iterator[ServedProcess]:
    """main_serve (what `solo serve` runs) in a subprocess with a token; stopped by SIGTERM."""
    require_interop()
    with serve_in_process(tmp_path, TOKEN) as served:
        yield served


BOMB = INTEROP_DIR / "fixtures" / "bomb-text-10m.syncmsg"  # made by bomb.mjs (JS Automerge)


def test_a_ten_million_character_js_document_is_refused_and_others_keep_syncing(
        solo_server: ServedProcess) -> None:
    bomb = BOMB.read_bytes()
    assert len(bomb) < 11_000 and scan_sync_message(bomb).ops > 10_000_000
    bomb_id = new_document_id()

    async def main() -> None:
        async with SyncClient(solo_server.url + "/", token=TOKEN) as steady, \
                SyncClient(solo_server.url + "/", token=TOKEN) as attacker:
            doc_id = new_document_id()
            await steady.push(doc_id, make_note("Steady", "before"))
            await steady.wait_idle([doc_id])
            assert attacker.server_id is not None
            await attacker.send(p.Sync(attacker.peer_id, attacker.server_id, bomb_id, bomb))
            await attacker.closed(10)  # refused: that connection ends, the server goes on
            for round_ in range(3):
                await steady.edit(doc_id, ["body"], f"round {round_}")
                await steady.wait_idle([doc_id])

    asyncio.run(main())
    refusals = [line for line in solo_server.log.read_text().splitlines()
                if bomb_id in line and "WARNING" in line]
    assert len(refusals) == 1, solo_server.log.read_text()
    assert "too big" in refusals[0] and "operations" in refusals[0]
    assert bomb_id not in set(DocStore(solo_server.data / "docs").ids())
    other = js_create(solo_server.url, {"body": "after the bomb"}, token=TOKEN)
    assert js_read(solo_server.url, other, token=TOKEN) == {"body": "after the bomb"}
    assert solo_server.peak_rss_mb() < 400  # never decoded (that takes 5.6 GB)


def test_a_client_refuses_the_bomb_from_a_server() -> None:
    doc = Doc.new()
    with pytest.raises(DocTooBig, match="too big"):
        doc.receive_sync_message(SyncState(), BOMB.read_bytes())
    assert doc.heads() == []


def test_the_scanner_counts_what_a_message_decodes_to() -> None:
    doc = Doc.new()
    with doc.change() as tx:
        tx.put(["meta", "title"], "x")
        tx.set_text(["body"], "hello")
    measure = measure_chunks(doc.save())
    assert measure.ops == 8 and not measure.counters  # meta, title, body, five characters
    empty, state = Doc.new(), SyncState()
    theirs = SyncState()
    doc.receive_sync_message(theirs, empty.generate_sync_message(state) or b"")
    message = doc.generate_sync_message(theirs)
    assert message is not None
    assert scan_sync_message(message).ops == 8
    with pytest.raises(LimitExceeded):
        scan_sync_message(b"\x42\xff\xff\xff\xff\x0f")
    with pytest.raises(DocTooBig, match="too big"):
        empty.receive_sync_message(state, message, Caps(max_message_ops=7))
    assert empty.heads() == []  # refused before anything was applied, and still usable
    empty.receive_sync_message(state, message)
    assert empty.get(["body"]) == "hello"


def test_a_document_is_capped_across_messages() -> None:
    source, target = Doc.new(), Doc.new()
    mine, theirs = SyncState(), SyncState()
    caps = Caps(max_doc_ops=30)

    def round_trip() -> None:
        for _ in range(4):
            out = target.generate_sync_message(mine)
            if out is not None:
                source.receive_sync_message(theirs, out)
            back = source.generate_sync_message(theirs)
            if back is None:
                return
            target.receive_sync_message(mine, back, caps)

    with source.change() as tx:
        tx.set_text(["body"], "a" * 20)
    round_trip()
    assert target.get(["body"]) == "a" * 20
    with source.change() as tx:
        tx.set_text(["body"], "a" * 40)
    with pytest.raises(DocTooBig, match="document would grow"):
        round_trip()
    assert target.get(["body"]) == "a" * 20


def test_the_server_cache_is_bounded_by_operations() -> None:
    docs = ServerDocs(MemoryStore(), capacity=128, max_doc_bytes=32 << 20, cache_ops=250)
    for n in range(10):
        doc_id = new_document_id()
        note = make_note(f"n{n}", "x" * 100)
        state = SyncState()
        ours = SyncState()
        for _ in range(4):
            out = docs.generate(doc_id, state)
            if out is not None:
                note.receive_sync_message(ours, out)
            back = note.generate_sync_message(ours)
            if back is None:
                break
            docs.apply(doc_id, state, back)
    assert docs.cached_ops <= 250 + 120
    assert len(docs) <= 3


COUNTER_PROBE = textwrap.dedent("""
    import sys
    from pathlib import Path
    from solo.core.engine.crdt import CrdtError, Doc, SyncState
    doc = Doc.new()
    try:
        doc.receive_sync_message(SyncState(), Path(sys.argv[1]).read_bytes())
    except CrdtError as exc:
        print(exc)
    doc.receive_sync_message(SyncState(), Doc.new().generate_sync_message(SyncState()) or b"")
""")


def test_a_refused_counter_prints_no_rust_panic() -> None:
    """Finding 13: the binding panics on a Counter and Rust prints a backtrace on stderr."""
    result = subprocess.run([sys.executable, "-c", COUNTER_PROBE,
                             str(INTEROP_DIR / "fixtures" / "counter.syncmsg")],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "RUST_BACKTRACE": "1"})
    assert result.returncode == 0, result.stderr
    assert "Counter" in result.stdout
    assert "panicked" not in result.stderr and "backtrace" not in result.stderr, result.stderr


async def _unfinished(url: str, chunk: bytes, hold: asyncio.Event) -> ClientConnection:
    ws = await connect(url, max_size=None, compression=None)

    async def fragments() -> AsyncIterator[bytes]:
        yield chunk
        await hold.wait()  # never finish the message
        yield b""

    asyncio.ensure_future(ws.send(fragments()))
    return ws


def test_unfinished_fragmented_messages_have_a_time_limit(tmp_path: Path) -> None:
    async def main() -> None:
        async with SyncServer(tmp_path / "data", fragment_timeout=0.5) as server:
            hold = asyncio.Event()
            ws = await _unfinished(server.url, b"x" * 100_000, hold)
            await asyncio.wait_for(ws.wait_closed(), 10)
            assert server.fragments.held == 0
            async with SyncClient(server.url) as client:  # the server serves on
                doc_id = new_document_id()
                await client.push(doc_id, make_note("After", "fine"))
                await client.wait_idle([doc_id])
            hold.set()
    asyncio.run(main())


def test_unfinished_fragmented_messages_share_a_byte_budget(tmp_path: Path) -> None:
    async def main() -> None:
        async with SyncServer(tmp_path / "data", fragment_bytes=1_000_000) as server:
            hold = asyncio.Event()
            first = await _unfinished(server.url, b"x" * 600_000, hold)
            async with asyncio.timeout(10):
                while server.fragments.held < 600_000:  # noqa: ASYNC110 - no event for "bytes arrived"
                    await asyncio.sleep(0.01)
            second = await _unfinished(server.url, b"y" * 600_000, hold)
            await asyncio.wait_for(second.wait_closed(), 10)
            assert first.close_code is None  # the one within the budget is left alone
            assert server.fragments.held <= 1_000_000
            hold.set()
            await first.close()
    asyncio.run(main())
