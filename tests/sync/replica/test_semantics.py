"""Replica-only sync semantics (the shared scenarios run over memory and a server in tests/sync/semantics/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from solo.core.engine.crdt import SyncState
from solo.core.engine.replica import Replica
from solo.core.vault import Vault

from .conftest import Link

Pair = tuple[Vault, Vault, object]


def files(vault: Vault) -> dict[str, bytes]:
    return {rel: vault.abs(rel).read_bytes() for rel, _ in vault.mirror.walk()}


def write(vault: Vault, rel: str, text: str) -> None:
    path = vault.abs(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_second_device_before_first_sync_never_overwrites_remote(tmp_path: Path) -> None:
    a = Vault.init(tmp_path / "a")
    write(a, "notes/keep.md", "remote content\n")
    a.scan()
    (tmp_path / "b").mkdir()
    b = Vault.init(tmp_path / "b", root_id=a.root_id)
    with pytest.raises(Exception, match="not received its index"):
        b.scan()
    (tmp_path / "b" / "notes").mkdir()
    (tmp_path / "b" / "notes" / "keep.md").write_text("")  # an empty local file, same path
    link = Link(Replica(a, "x"), Replica(b, "x"))
    first = link.b.generate(a.root_id, SyncState())
    assert first is not None and first[:2] == b"B\x00"  # a request: no heads, no changes of b's
    link.sync()
    b.scan()
    link.sync()
    assert a.abs("notes/keep.md").read_text() == "remote content\n"
    assert "remote content\n" in [p.read_text() for p in (tmp_path / "b" / "notes").iterdir()]
    link.a.close()
    link.b.close()


def test_an_edit_whose_rev_a_one_shot_process_deferred_is_still_sent(pair: Pair) -> None:
    """A `solo done` beside a running sync leaves the root rev lagging (`defer_revs`); the
    long-lived replica repairs revs before choosing what to sync, so the edit goes out."""
    a, b, link = pair
    assert isinstance(link, Link)
    write(a, "notes/plan.md", "v1\n")
    a.scan()
    link.sync()
    b.scan()
    one_shot = Vault(a.root)  # what a CLI command opens, beside the syncing process
    one_shot.mirror.defer_revs = True
    write(a, "notes/plan.md", "v1\nv2 from a one-shot command\n")
    one_shot.scan()
    doc_id = one_shot.index.by_path("notes/plan.md").doc_id
    one_shot.close()
    assert doc_id in a.mirror.dirty.ids()
    assert doc_id in link.a.wanted()
    link.sync()
    b.scan()
    assert files(b)["notes/plan.md"] == b"v1\nv2 from a one-shot command\n"
    assert a.mirror.dirty.ids() == []
