"""A clone killed inside a group commit (files staged, synced, half renamed, rows written):
the next start finishes what was stored, the next sync fetches the rest, and nothing the
ledger calls agreed is missing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from solo.core.engine.docform import render_doc
from solo.core.engine.fsutil import is_temp_name
from solo.core.vault import Vault

from .conftest import ServerThread, files, sync, write

WORKER = Path(__file__).with_name("clone_crash_worker.py")


@pytest.mark.parametrize("point", ["synced", "half", "renamed", "rows"])
def test_a_clone_killed_inside_a_group_commit_completes_without_loss(
        tmp_path: Path, server: ServerThread, point: str) -> None:
    a = Vault.init(tmp_path / "a")
    for i in range(60):  # three groups of 24
        write(a, f"notes/n{i}.md", f"+++\ntitle = \"n{i}\"\n+++\nnote {i}\n" + "words " * i)
    remote = server.remote()
    sync(a, remote)
    b_root = tmp_path / "b"
    child = subprocess.run([sys.executable, str(WORKER), str(b_root), server.url,
                            remote.token or "", a.root_id, point],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 9, child.stderr  # died at the point, mid-clone
    with sqlite3.connect(b_root / ".solo" / "sync.sqlite") as db:
        agreed = [doc_id for (doc_id,) in db.execute("SELECT doc_id FROM agreed")]
    b = Vault(b_root)
    try:
        assert agreed and all(b.repo.exists(d) for d in agreed)  # agreed only once stored
        b.scan()  # the next start: pending/ renders what was stored and not yet in place
        assert not b.mirror.pending.ids()
        on_disk = files(b)
        for row in b.rows():  # every file whole: its document's rendering, byte for byte
            assert on_disk[row.path] == render_doc(b.repo.load(row.doc_id)).encode(), row.path
        for d in agreed:
            if d != a.root_id:
                assert b.index.by_doc(d) is not None, d
        hidden = [p.name for p in b_root.rglob("*") if is_temp_name(p.name)]
        assert all(name.startswith(".") for name in hidden)  # leftovers are hidden temp files
        assert sync(b, remote).unavailable == []
        assert files(b) == files(a)
        assert sync(b, remote).documents == 1  # all agreed: only the root is looked at
    finally:
        a.close()
        b.close()
