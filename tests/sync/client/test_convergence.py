"""Three vaults, random edits, creates, renames, deletes and sync order through `solo serve`."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from solo.core.vault import Vault
from solo.sync.client import sync_once

from .conftest import FAST, ServerThread, files

NAMES = ["a", "b"]
# Until core fixes the tombstone-versus-new-owner ordering in Replica._place (see
# test_core_gaps.py), a path is not re-created after a delete: that case fails about half
# the time. Set to False to exercise it.
SKIP_RECREATE_AFTER_DELETE = False
op = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("rename"), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("delete"), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2)),
)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(op, min_size=1, max_size=12))
# A device renames a file, then creates another at its old name: the rename must win, not a
# conflict copy (found by this test; failed on every run before `Replica._move_ahead`).
@example(ops=[("create", 0, "a"), ("sync", 0, 2), ("rename", 2, "a"), ("create", 2, "a")])
def test_three_devices_converge_through_the_server(ops: list[tuple]) -> None:
    tmp = Path(tempfile.mkdtemp())
    server = ServerThread(tmp / "server").start()
    remote = server.remote()

    def sync(vault: Vault) -> None:
        vault.scan()
        asyncio.run(sync_once(vault, remote, options=FAST))

    try:
        first = Vault.init(tmp / "r0")
        first.scan()
        sync(first)
        vaults = [first] + [Vault.init(tmp / f"r{i}", root_id=first.root_id) for i in (1, 2)]
        for vault in vaults[1:]:
            asyncio.run(sync_once(vault, remote, options=FAST))
            vault.scan()
        written: set[str] = set()
        may_vanish: set[str] = set()
        deleted_names: set[str] = set()
        for step, (kind, who, arg) in enumerate(ops):
            vault = vaults[who]
            if kind == "sync":
                sync(vault)
                sync(vaults[arg])
                continue
            path = vault.abs(f"notes/{arg}.md")
            token = f"w{step}r{who}"
            if kind == "create" and SKIP_RECREATE_AFTER_DELETE and arg in deleted_names:
                continue
            if kind == "create" and not path.exists():
                path.parent.mkdir(exist_ok=True)
                path.write_text(f"{token}\n")
                written.add(token)
            elif kind == "edit" and path.exists():
                path.write_text(path.read_text() + f"{token}\n")
                written.add(token)
            elif kind == "rename" and path.exists():
                os.rename(path, vault.abs(f"notes/{arg}-moved{step}.md"))
            elif kind == "delete" and path.exists():
                deleted_names.add(arg)
                may_vanish |= set(path.read_text().split())
                path.unlink()
            vault.scan()
        for _ in range(3):
            for vault in vaults:
                sync(vault)
        contents = [files(v) for v in vaults]
        assert contents[0] == contents[1] == contents[2]
        present = set(b" ".join(contents[0].values()).decode().split())
        assert written - may_vanish <= present
        for vault in vaults:
            vault.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
