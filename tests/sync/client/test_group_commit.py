"""Group commit of a clone's new documents: held in memory, stored together, and after a kill
each one is either stored (with its file) or fetched again, never agreed and lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

from solo.core.engine.crdt import SyncState
from solo.core.engine.replica import Replica
from solo.core.vault import Vault
from solo.sync.client import sync_once

from .conftest import FAST, ServerThread, files, sync, write


def _source(tmp_path: Path, count: int) -> Vault:
    a = Vault.init(tmp_path / "a")
    for i in range(count):
        write(a, f"notes/n{i}.md", f"note {i}\n")
    a.scan()
    return a


def _exchange(src: Replica, dst: Replica, doc_ids: list[str]) -> None:
    """Run each document's exchange to its end, as a connection would (no flush by hand)."""
    states = {d: (SyncState(), SyncState()) for d in doc_ids}
    for _ in range(10):
        moved = False
        for doc_id in doc_ids:
            ours, theirs = states[doc_id]
            for giver, taker, give, take in ((src, dst, ours, theirs), (dst, src, theirs, ours)):
                message = giver.generate(doc_id, give)
                if message is not None:
                    moved = True
                    taker.receive(doc_id, take, message)
        if not moved:
            break
    for doc_id in doc_ids:  # every exchange ended
        dst.agree_when_stored(doc_id)


def test_new_documents_wait_in_memory_then_land_together(tmp_path: Path) -> None:
    a = _source(tmp_path, 5)
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    src, dst = Replica(a, "peer"), Replica(b, "peer")
    dst.batch_new = 100
    try:
        _exchange(src, dst, [a.root_id])
        notes = dst.wanted()
        assert len(notes) == 5
        _exchange(src, dst, notes)
        assert dst.arrived == 5
        assert not any(dst.has(d) for d in notes)  # nothing stored, nothing agreed yet
        assert not (set(dst.ledger.agreed("peer")) & set(notes))
        dst.flush()
        assert dst.arrived == 0 and all(dst.has(d) for d in notes)
        assert dst.wanted() == [] and not b.mirror.pending.ids()
        assert files(b) == files(a)
    finally:
        src.close()
        dst.close()
        a.close()
        b.close()


def test_a_clone_killed_before_its_flush_fetches_those_documents_again(
        tmp_path: Path, server: ServerThread) -> None:
    a = _source(tmp_path, 6)
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    src, dst = Replica(a, "peer"), Replica(b, "peer")
    dst.batch_new = 100
    try:
        _exchange(src, dst, [a.root_id])
        notes = dst.wanted()
        _exchange(src, dst, notes)
        assert dst.arrived == 6
    finally:
        src.close()
        dst.close()  # a kill: what was held in memory is gone; no flush ran
        b.close()
    b = Vault(tmp_path / "b")
    replica = Replica(b, "peer")
    try:
        assert sorted(replica.wanted()) == sorted(notes)  # not agreed: fetched again
        assert not any(replica.has(d) for d in notes) and files(b) == {}
    finally:
        replica.close()
    remote = server.remote()
    sync(a, remote)
    sync(b, remote)
    assert files(b) == files(a) and len(files(b)) == 6
    assert sync(b, remote).documents == 1  # all agreed now: only the root is looked at
    a.close()
    b.close()


def test_clone_through_a_server_in_small_batches(tmp_path: Path, server: ServerThread) -> None:
    a = _source(tmp_path, 30)  # more than one batch of 24
    remote = server.remote()
    sync(a, remote)
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    try:
        report = asyncio.run(sync_once(b, remote, options=FAST))  # a clone: nothing to scan
        assert files(b) == files(a) and report.unavailable == []
        assert not b.mirror.pending.ids()
        assert sync(b, remote).documents == 1
    finally:
        a.close()
        b.close()


def _claim(vault: Vault, rel: str, body: str) -> None:
    """A second document listed at a path another document holds (two devices made it)."""
    from solo.core.engine.crdt import Doc
    from solo.core.model.ids import new_document_id

    doc_id = new_document_id()
    doc = Doc.new(vault.actor)
    with doc.change() as edit:
        edit.put(["meta"], {})
        edit.put(["head"], "")
        edit.set_text(["body"], body)
    vault.repo.create(doc_id, doc)
    vault.repo.set_root_entry(doc_id, path=rel, kind="note", deleted=False)


def test_a_group_with_two_documents_at_one_path_lands_as_one_at_a_time(tmp_path: Path) -> None:
    """Files written as a group (one sync, rows after the renames) reach the same files as
    documents stored one by one: two claims of one path end as the file and its conflict."""
    a = _source(tmp_path, 3)
    for i in range(3):
        _claim(a, f"notes/n{i}.md", f"the other note {i}\n")
    results = []
    for name, batch in (("grouped", 100), ("one-by-one", 0)):
        b = Vault.init(tmp_path / name, root_id=a.root_id)
        src, dst = Replica(a, "peer"), Replica(b, "peer")
        dst.batch_new = batch
        try:
            _exchange(src, dst, [a.root_id])
            _exchange(src, dst, dst.wanted())
            dst.flush()
            assert not b.mirror.pending.ids()
            results.append(files(b))
            assert sorted(r.path for r in b.rows()) == sorted(results[-1])
        finally:
            src.close()
            dst.close()
            b.close()
    assert results[0] == results[1] and len(results[0]) == 6
    a.close()
