"""Issue 12 finding 9: a refused root change never stays in memory, and doctor never undoes a merged remote edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from solo.core.engine.crdt import CrdtError
from solo.core.engine.replica import Replica
from solo.core.vault import Vault

from .conftest import Link, make_pair


@pytest.mark.parametrize("shape", [["a", "list"], "text", 7])
def test_after_a_refused_root_change_local_edits_publish_the_whole_index(
        tmp_path: Path, shape: object) -> None:
    a, b = make_pair(tmp_path)
    (a.root / "notes").mkdir()
    for n in range(5):
        (a.root / "notes" / f"n{n}.md").write_text(f"note {n}\n")
    a.scan()
    Link(Replica(a, "peer"), Replica(b, "peer")).sync()
    b.scan()
    with b.repo.change(b.root_id) as edit:  # a peer's app sets `files` to the wrong shape
        edit.put(["files"], shape)  # type: ignore[arg-type]
    with pytest.raises(CrdtError):
        Link(Replica(a, "peer"), Replica(b, "peer")).sync()
    (a.root / "notes" / "later.md").write_text("a later local note\n")
    a.scan()
    assert len(a.repo.root_entries()) == 6
    a.repo.forget(a.root_id)
    assert len(a.repo.root_entries()) == 6  # what is stored, and what a peer would receive
    third = Vault.init(tmp_path / "c", root_id=a.root_id)
    Link(Replica(a, "peer"), Replica(third, "peer")).sync()
    third.scan()
    assert len(third.rows()) == 6
    for vault in (a, b, third):
        vault.close()


def test_doctor_full_never_ingests_a_stale_file_over_a_merged_remote_edit(tmp_path: Path) -> None:
    a, b = make_pair(tmp_path)
    (a.root / "notes").mkdir()
    (a.root / "notes" / "x.md").write_text("line one\n")
    a.scan()
    Link(Replica(a, "peer"), Replica(b, "peer")).sync()
    b.scan()
    row = b.index.by_path("notes/x.md")
    assert row is not None and row.doc_id
    doc = b.repo.load(row.doc_id)  # a remote edit merged into the store, its file not written yet
    heads = doc.heads()
    with doc.change() as edit:
        edit.set_text(["body"], "line one\nanother device's line\n", old="line one\n")
    b.mirror.commit(row.doc_id, doc, heads)
    findings = b.doctor(full=True)
    assert any("behind its document" in f for f in findings), findings
    assert (b.root / "notes" / "x.md").read_text() == "line one\nanother device's line\n"
    assert b.read("notes/x.md").body == "line one\nanother device's line\n"
    a.close()
    b.close()
