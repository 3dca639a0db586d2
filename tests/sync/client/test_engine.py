"""The exchange engine: message heads parsing, the in-flight cap, live-only subscriptions."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from solo.core.engine.crdt import Doc, SyncState
from solo.core.engine.crdt import sync_message_heads as message_heads
from solo.core.vault import Vault
from solo.sync.client import Options, sync_once
from solo.sync.synchronizer import Synchronizer

from .conftest import ServerThread, write


def test_message_heads_reads_the_heads_of_real_sync_messages() -> None:
    doc = Doc.new()
    assert message_heads(doc.generate_sync_message(SyncState()) or b"") == []
    with doc.change() as edit:
        edit.put(["a"], 1)
    assert message_heads(doc.generate_sync_message(SyncState()) or b"") == doc.heads()
    assert message_heads(b"") is None
    assert message_heads(b"\x42\x05" + b"\x00" * 40) is None  # truncated
    assert message_heads(b"\x99\x00") is None


@pytest.mark.parametrize("cap", [1, 4])
def test_documents_in_flight_never_exceed_the_cap(tmp_path: Path, server: ServerThread,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 cap: int) -> None:
    a = Vault.init(tmp_path / "a")
    for i in range(30):
        write(a, f"notes/n{i}.md", f"note {i}\n")
    a.scan()
    seen: list[int] = []
    original = Synchronizer._pump

    def pump(self: Synchronizer) -> None:
        original(self)
        seen.append(len(self.active) - len(self.background))

    monkeypatch.setattr(Synchronizer, "_pump", pump)
    report = asyncio.run(sync_once(a, server.remote(), options=Options(max_in_flight=cap)))
    assert report.agreed == 31
    assert max(seen) == cap


def test_requests_for_missing_documents_fill_a_wider_window(
        tmp_path: Path, server: ServerThread, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clone keeps more requests waiting than the cap of loaded documents (they hold
    nothing while they wait), within `max_requests`; the documents it holds stay within the
    cap, and everything arrives."""
    a = Vault.init(tmp_path / "a")
    for i in range(40):
        write(a, f"notes/n{i}.md", f"note {i}\n")
    a.scan()
    asyncio.run(sync_once(a, server.remote()))
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    seen: list[tuple[int, int]] = []
    original = Synchronizer._pump

    def pump(self: Synchronizer) -> None:
        original(self)
        seen.append((len(self.active) - len(self.requests), len(self.active)))

    monkeypatch.setattr(Synchronizer, "_pump", pump)
    report = asyncio.run(sync_once(b, server.remote(),
                                   options=Options(max_in_flight=2, max_requests=8)))
    assert report.unavailable == [] and report.agreed == 41
    assert max(holding for holding, _ in seen) <= 2
    assert 2 < max(total for _, total in seen) <= 8
    b.scan()
    assert sorted(r.path for r in b.rows()) == sorted(r.path for r in a.rows())
