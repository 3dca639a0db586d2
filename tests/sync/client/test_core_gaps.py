"""Regressions in core/engine/replica.py that the sync client found (both fixed in core).

- A receiver must not write the sender's new `rev` into its own root index again: that made
  every remote edit a root change on every device, each costing every replica a full
  reconcile (seconds per live edit at 10,000 notes).
- A path deleted and recreated on one device must not bring the tombstoned document back as a
  conflict copy on another (the devices never converged).
"""

from __future__ import annotations

import pytest

from solo.core.config import Remote
from solo.core.vault import Vault

from .conftest import files, sync, write

Pair = tuple[Vault, Vault, Remote]


def test_receiving_a_remote_edit_adds_no_root_change_of_the_receivers_own(pair: Pair) -> None:
    a, b, remote = pair
    write(a, "notes/n.md", "one\n")
    sync(a, remote)
    sync(b, remote)
    sync(a, remote)
    write(a, "notes/n.md", "one\ntwo\n")
    sync(a, remote)
    sync(b, remote)
    assert b.abs("notes/n.md").read_text() == "one\ntwo\n"
    assert sorted(b.repo.root_doc().heads()) == sorted(a.repo.root_doc().heads())


def test_a_path_deleted_and_recreated_does_not_resurrect_the_old_file(
        pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the convergence property test (about half of the runs of this sequence)."""
    from solo.core.engine import mirror as mirror_module
    from solo.core.model import ids

    a, b, remote = pair
    small, big = sorted(ids.new_document_id() for _ in range(2))
    queue = [big, small]  # the old document sorts after the new one: reconciled second
    monkeypatch.setattr(mirror_module, "new_document_id",
                        lambda: queue.pop(0) if queue else ids.new_document_id())
    write(a, "notes/a.md", "old\n")
    sync(a, remote)
    sync(b, remote)
    assert b.abs("notes/a.md").read_text() == "old\n"
    a.abs("notes/a.md").unlink()
    a.scan()
    write(a, "notes/a.md", "new\n")
    sync(a, remote)
    sync(b, remote)
    sync(a, remote)
    assert a.resolve("notes/a.md").doc_id == small
    assert files(b) == {"notes/a.md": b"new\n"}
    assert files(a) == files(b)
