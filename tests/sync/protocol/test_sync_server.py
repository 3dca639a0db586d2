"""The sync server over real sockets on 127.0.0.1: sync, relay, storage, security, robustness."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from support.sync_helpers import SyncClient, make_note
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from solo.core.engine.crdt import Doc, SyncState
from solo.core.engine.store import COMPACT_LOG_FRAMES, DocStore
from solo.core.model.ids import new_document_id
from solo.sync import protocol as p
from solo.sync.server import ServerError, SyncServer


def run(coro: Awaitable[Any], seconds: float = 30) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(seconds):
            return await coro
    return asyncio.run(bounded())


async def eventually(predicate: Callable[[], object], seconds: float = 5) -> None:
    """Poll a condition on server state that no message announces."""
    for _ in range(int(seconds / 0.01)):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached in time")


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


# --- syncing ------------------------------------------------------------------------------------

def test_push_then_pull_with_request(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            doc_id = new_document_id()
            doc = make_note("Plan", "Ship the sync server.\n")
            async with SyncClient(server.url) as alice:
                await alice.push(doc_id, doc)
                await alice.wait_idle([doc_id])
            async with SyncClient(server.url) as bob:
                await bob.request(doc_id)
                await bob.wait_heads(doc_id, doc.heads())
                assert bob.docs[doc_id].to_python() == doc.to_python()
                assert bob.of_type(p.DocUnavailable) == []
    run(scenario())


def test_request_for_unknown_doc_is_unavailable_then_arrives(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            doc_id = new_document_id()
            async with SyncClient(server.url) as bob, SyncClient(server.url) as alice:
                await bob.request(doc_id)
                unavailable = await bob.wait_for(lambda: bob.of_type(p.DocUnavailable))
                assert unavailable == [p.DocUnavailable(server.peer_id, bob.peer_id, doc_id)]
                assert bob.docs[doc_id].heads() == []
                doc = make_note("Late", "pushed after the request")
                await alice.push(doc_id, doc)
                await bob.wait_heads(doc_id, doc.heads())
                assert bob.docs[doc_id].get(["body"]) == "pushed after the request"
    run(scenario())


def test_live_edits_are_relayed_both_ways(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            doc_id = new_document_id()
            async with SyncClient(server.url) as alice, SyncClient(server.url) as bob, \
                    SyncClient(server.url) as carol:
                await alice.push(doc_id, make_note("Live", "one two three"))
                await alice.wait_idle([doc_id])
                await bob.request(doc_id)
                await bob.wait_heads(doc_id, alice.docs[doc_id].heads())
                await alice.edit(doc_id, ["body"], "one two and a half three")
                await bob.wait_heads(doc_id, alice.docs[doc_id].heads())
                assert bob.docs[doc_id].get(["body"]) == "one two and a half three"
                await bob.edit(doc_id, ["body"], "zero one two and a half three")
                await alice.wait_heads(doc_id, bob.docs[doc_id].heads())
                assert alice.docs[doc_id].get(["body"]) == "zero one two and a half three"
                await asyncio.sleep(0.05)
                assert carol.docs == {}  # never offered a document it did not name
    run(scenario())


def test_data_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    doc_id = new_document_id()

    async def before() -> list[bytes]:
        async with SyncServer(data) as server, SyncClient(server.url) as alice:
            await alice.push(doc_id, make_note("Keep", "durable text"))
            await alice.wait_idle([doc_id])
            await alice.edit(doc_id, ["body"], "durable text, edited")
            await alice.wait_idle([doc_id])
            return alice.docs[doc_id].heads()

    async def after(heads: list[bytes]) -> None:
        async with SyncServer(data) as server, SyncClient(server.url) as bob:
            await bob.request(doc_id)
            await bob.wait_heads(doc_id, heads)
            assert bob.docs[doc_id].get(["body"]) == "durable text, edited"
            await bob.edit(doc_id, ["body"], "durable text, edited twice")
            await bob.wait_idle([doc_id])

    heads = run(before())
    run(after(heads))
    stored = DocStore(data / "docs").load(doc_id)
    assert stored.get(["body"]) == "durable text, edited twice"


def test_many_documents_through_a_small_cache(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data", cache_docs=2) as server:
            docs = {new_document_id(): make_note(f"n{i}", f"body {i}") for i in range(6)}
            async with SyncClient(server.url) as alice:
                for doc_id, doc in docs.items():
                    await alice.push(doc_id, doc)
                await alice.wait_idle(docs)
            async with SyncClient(server.url) as bob:
                for doc_id in docs:
                    await bob.request(doc_id)
                for doc_id, doc in docs.items():
                    await bob.wait_heads(doc_id, doc.heads())
                    assert bob.docs[doc_id].to_python() == doc.to_python()
    run(scenario())


def test_long_edit_history_is_compacted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    doc_id = new_document_id()

    async def scenario() -> str:
        async with SyncServer(data) as server, SyncClient(server.url) as alice:
            await alice.push(doc_id, make_note("Many", "x" * 50))
            await alice.wait_idle([doc_id])
            text = "x" * 50
            for i in range(COMPACT_LOG_FRAMES + 20):
                text = f"{text[:10]}{i % 10}{text[10:]}"
                await alice.edit(doc_id, ["body"], text)
                await alice.wait_idle([doc_id])
            return text

    text = run(scenario(), 60)
    store = DocStore(data / "docs")
    log_file = data / "docs" / doc_id[:2] / f"{doc_id}.log"
    assert (data / "docs" / doc_id[:2] / f"{doc_id}.snap").exists()
    assert log_file.stat().st_size < 4096 * 8
    assert store.load(doc_id).get(["body"]) == text


def test_ephemeral_messages_reach_the_documents_other_peers(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            doc_id = new_document_id()
            async with SyncClient(server.url) as alice, SyncClient(server.url) as bob, \
                    SyncClient(server.url) as carol:
                await alice.push(doc_id, make_note("Eph", "x"))
                await alice.wait_idle([doc_id])
                await bob.request(doc_id)
                await bob.wait_heads(doc_id, alice.docs[doc_id].heads())
                for count in (1, 1, 2):  # the repeated count is a duplicate and dropped
                    await alice.send(p.Ephemeral(alice.peer_id, server.peer_id, doc_id,
                                                 b"cursor", count, "session-1"))
                await bob.wait_for(lambda: len(bob.of_type(p.Ephemeral)) >= 2)
                got = bob.of_type(p.Ephemeral)
                assert [(m.sender_id, m.target_id, m.count) for m in got] == [
                    (alice.peer_id, bob.peer_id, 1), (alice.peer_id, bob.peer_id, 2)]
                await asyncio.sleep(0.05)
                assert len(bob.of_type(p.Ephemeral)) == 2
                assert alice.of_type(p.Ephemeral) == [] and carol.of_type(p.Ephemeral) == []
    run(scenario())


# --- handshake --------------------------------------------------------------------------------

def test_unsupported_protocol_version_gets_an_error(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            client = SyncClient(server.url, versions=("2",))
            answer = await client.connect()
            assert isinstance(answer, p.Error) and "unsupported protocol version" in answer.message
            await client.closed()
            assert server.connected_peers() == []
    run(scenario())


def test_join_without_versions_is_accepted_as_v1(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            client = SyncClient(server.url, versions=None)
            answer = await client.connect()
            storage_id = (tmp_path / "data" / "storage-id").read_text()
            assert answer == p.Peer(server.peer_id, client.peer_id, "1",
                                    p.PeerMetadata(storage_id, False, (p.HEADS_CAPABILITY,)))
            await client.close()
        async with SyncServer(tmp_path / "data") as server:  # the storage id is kept
            client = SyncClient(server.url)
            answer = await client.connect()
            assert isinstance(answer, p.Peer) and answer.peer_metadata is not None
            assert answer.peer_metadata.storage_id == storage_id
            await client.close()
    run(scenario())


def test_messages_before_join_are_dropped(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            async with connect(server.url) as ws:
                doc = make_note("Early", "too early")
                data = doc.generate_sync_message(SyncState())
                await ws.send(p.encode(p.Sync("early", "server", new_document_id(), data)))
                await ws.send(p.encode(p.Join("early")))
                answer = p.decode(await ws.recv())
                assert isinstance(answer, p.Peer)  # the sync before join had no answer
        assert files_under(tmp_path / "data" / "docs") == []
    run(scenario())


def test_foreign_sender_ids_are_dropped_and_leave_closes(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            async with connect(server.url) as ws:
                await ws.send(p.encode(p.Join("me")))
                assert isinstance(p.decode(await ws.recv()), p.Peer)
                await ws.send(p.encode(p.Request("someone-else", server.peer_id,
                                                 new_document_id(), b"\x42\x00\x00\x00")))
                mine = new_document_id()
                data = Doc.new().generate_sync_message(SyncState())
                assert data is not None
                await ws.send(p.encode(p.Request("me", server.peer_id, mine, data)))
                answer = p.decode(await ws.recv())  # the first answer is for our own request
                assert isinstance(answer, p.DocUnavailable) and answer.document_id == mine
                await ws.send(p.encode(p.Leave("me")))
                with pytest.raises(ConnectionClosed):
                    await ws.recv()
                assert ws.close_code == 1000
            assert server.connected_peers() == []
    run(scenario())


def test_second_join_with_same_peer_id_closes_the_older_socket(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            first = SyncClient(server.url, peer_id="device-1")
            await first.connect()
            second = SyncClient(server.url, peer_id="device-1")
            await second.connect()
            await first.closed()
            assert server.connected_peers() == ["device-1"]
            doc_id = new_document_id()
            await second.push(doc_id, make_note("Still", "works"))
            await second.wait_idle([doc_id])
            await second.close()
    run(scenario())


def test_join_timeout_closes_silent_connections(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data", join_timeout=0.2) as server:
            async with connect(server.url) as ws:
                answer = p.decode(await ws.recv())
                assert isinstance(answer, p.Error) and "join" in answer.message
                with pytest.raises(ConnectionClosed):
                    await ws.recv()
    run(scenario())


# --- security ---------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["none", "wrong-query", "wrong-header", "basic-header"])
def test_refused_without_the_right_token_and_nothing_written(tmp_path: Path, how: str) -> None:
    data = tmp_path / "data"

    async def scenario() -> None:
        async with SyncServer(data, token="s3cret") as server:
            url, headers = server.url, None
            if how == "wrong-query":
                url += "?token=guess"
            elif how == "wrong-header":
                headers = {"Authorization": "Bearer guess"}
            elif how == "basic-header":
                headers = {"Authorization": "Basic czNjcmV0"}
            with pytest.raises(InvalidStatus) as refused:
                async with connect(url, additional_headers=headers) as ws:
                    await ws.send(p.encode(p.Join("intruder")))
            assert refused.value.response.status_code == 401
            assert server.connected_peers() == []
    run(scenario())
    assert files_under(data) == []


@pytest.mark.parametrize("how", ["query", "header"])
def test_the_right_token_is_accepted(tmp_path: Path, how: str) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data", token="s3cret") as server:
            if how == "query":
                client = SyncClient(server.url, token="s3cret")
            else:
                client = SyncClient(server.url, headers={"Authorization": "Bearer s3cret"})
            async with client:
                doc_id = new_document_id()
                await client.push(doc_id, make_note("Auth", "ok"))
                await client.wait_idle([doc_id])
    run(scenario())


def test_empty_token_and_shared_data_dir_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ServerError, match="empty"):
        SyncServer(tmp_path / "data", token=" ")

    async def scenario() -> None:
        async with SyncServer(tmp_path / "data"):
            with pytest.raises(ServerError, match="in use"):
                await SyncServer(tmp_path / "data").start()
        async with SyncServer(tmp_path / "data"):  # the lock is released on stop
            pass
    run(scenario())


# --- robustness -------------------------------------------------------------------------------

async def assert_server_works(server: SyncServer) -> None:
    doc_id = new_document_id()
    doc = make_note("Alive", "the server still works")
    async with SyncClient(server.url) as alice, SyncClient(server.url) as bob:
        await alice.push(doc_id, doc)
        await alice.wait_idle([doc_id])
        await bob.request(doc_id)
        await bob.wait_heads(doc_id, doc.heads())


def test_garbage_frames_end_the_message_then_the_connection(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            client = SyncClient(server.url)
            await client.connect()
            assert client.ws is not None
            await client.ws.send(b"\xff\x00garbage")        # not CBOR
            await client.ws.send("a text frame")            # not binary
            doc_id = new_document_id()
            await client.push(doc_id, make_note("Between", "still served"))
            await client.wait_idle([doc_id])                 # one bad frame ends one message
            await client.ws.send(p.encode(p.Unknown("x")) + b"\x00")  # stray bytes: third strike
            errors = await client.wait_for(lambda: client.of_type(p.Error))
            assert "malformed" in errors[0].message
            await client.closed()
            await assert_server_works(server)
    run(scenario())


def test_oversized_frame_closes_only_that_connection(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data", max_frame_bytes=64 * 1024) as server:
            client = SyncClient(server.url)
            await client.connect()
            assert client.ws is not None
            big = p.Sync(client.peer_id, server.peer_id, new_document_id(), b"\x42" * 100_000)
            await client.ws.send(p.encode(big))
            await client.closed()
            assert client.ws.close_code == 1009
            assert files_under(tmp_path / "data" / "docs") == []
            await assert_server_works(server)
    run(scenario())


def test_hostile_sync_data_is_refused_and_never_stored(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data") as server:
            doc_id = new_document_id()
            doc = make_note("Target", "original text")
            async with SyncClient(server.url) as alice:
                await alice.push(doc_id, doc)
                await alice.wait_idle([doc_id])
            mallory = SyncClient(server.url)
            await mallory.connect()
            await mallory.send(p.Sync(mallory.peer_id, server.peer_id, doc_id,
                                      b"\x42" + os.urandom(64)))
            errors = await mallory.wait_for(lambda: mallory.of_type(p.Error))
            assert doc_id in errors[0].message
            await mallory.closed()
            async with SyncClient(server.url) as bob:  # the loaded copy was dropped and reloaded
                await bob.request(doc_id)
                await bob.wait_heads(doc_id, doc.heads())
                await bob.edit(doc_id, ["body"], "original text, still editable")
                await bob.wait_idle([doc_id])
            await assert_server_works(server)
        assert DocStore(tmp_path / "data" / "docs").load(doc_id).get(["body"]) == \
            "original text, still editable"
    run(scenario())


def test_document_size_cap(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data", max_doc_bytes=4096) as server:
            doc_id = new_document_id()
            big = make_note("Big", base64.b64encode(os.urandom(9000)).decode())
            client = SyncClient(server.url)
            await client.connect()
            await client.push(doc_id, big)
            errors = await client.wait_for(lambda: client.of_type(p.Error))
            assert "refused" in errors[0].message and "cap" in errors[0].message
            await client.closed()
            assert files_under(tmp_path / "data" / "docs") == []
            await assert_server_works(server)
    run(scenario())


def test_document_growth_past_the_cap_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    doc_id = new_document_id()
    doc = make_note("Grow", base64.b64encode(os.urandom(1500)).decode())
    grown = doc.fork()
    with grown.change() as tx:
        tx.set_text(["body"], doc.get(["body"]) + base64.b64encode(os.urandom(300)).decode())

    async def push_first() -> None:
        async with SyncServer(data) as server, SyncClient(server.url) as client:
            await client.push(doc_id, doc)
            await client.wait_idle([doc_id])

    async def push_growth(cap: int) -> None:
        async with SyncServer(data, max_doc_bytes=cap) as server:
            client = SyncClient(server.url)
            await client.connect()
            await client.push(doc_id, grown)
            errors = await client.wait_for(lambda: client.of_type(p.Error))
            assert "would grow" in errors[0].message
            await client.closed()
            await assert_server_works(server)

    run(push_first())
    stored = sum(path.stat().st_size for path in files_under(data / "docs" / doc_id[:2]))
    run(push_growth(stored + 100))  # room for the document as it is, not for 300 more bytes
    assert DocStore(data / "docs").load(doc_id).heads() == doc.heads()


def test_dead_sockets_are_dropped_by_ping(tmp_path: Path) -> None:
    """A peer that joins, then never reads or answers pings, is disconnected."""
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data", ping_interval=0.1, ping_timeout=0.2,
                              close_timeout=0.2) as server:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            key = base64.b64encode(os.urandom(16)).decode()
            writer.write((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                          "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                          f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                          ).encode())
            assert b" 101 " in await reader.readuntil(b"\r\n\r\n")
            payload = p.encode(p.Join("sleepy"))
            mask = os.urandom(4)
            writer.write(bytes([0x82, 0x80 | len(payload)]) + mask
                         + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
            await writer.drain()
            await eventually(lambda: server.connected_peers() == ["sleepy"])
            await eventually(lambda: server.connected_peers() == [])  # no pong ever came back
            writer.close()
    run(scenario(), 10)


# --- entry points -----------------------------------------------------------------------------

def test_main_serve_runs_until_sigterm(tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from solo.sync.server import main_serve
        sys.exit(main_serve("127.0.0.1", 0, Path(sys.argv[1]), "tok",
                            ready=lambda port: print(port, flush=True)))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "data")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())

        async def scenario() -> None:
            async with SyncClient(f"ws://127.0.0.1:{port}/", token="tok") as client:
                doc_id = new_document_id()
                await client.push(doc_id, make_note("Process", "in a subprocess"))
                await client.wait_idle([doc_id])
        run(scenario())
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "listening on ws://127.0.0.1" in err
    assert len([line for line in err.splitlines() if "frames in" in line]) == 1
    assert "tok" not in err.replace("token", "")  # the token never reaches the log


def test_doc_unavailable_for_request_stays_subscribed_after_cache_eviction(
        tmp_path: Path) -> None:
    async def scenario() -> None:
        async with SyncServer(tmp_path / "data", cache_docs=1) as server:
            wanted = new_document_id()
            async with SyncClient(server.url) as bob, SyncClient(server.url) as alice:
                await bob.request(wanted)
                await bob.wait_for(lambda: bob.of_type(p.DocUnavailable))
                for i in range(3):  # push other documents through the one-slot cache
                    other = new_document_id()
                    await alice.push(other, make_note(f"o{i}", "other"))
                    await alice.wait_idle([other])
                doc = make_note("Wanted", "finally here")
                await alice.push(wanted, doc)
                await bob.wait_heads(wanted, doc.heads())
    run(scenario())

