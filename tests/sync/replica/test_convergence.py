"""Three replicas, random edits, creates, renames and deletes, random sync order: convergence."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solo.core.engine.replica import Replica
from solo.core.vault import Vault

from .conftest import Link

NAMES = ["a", "b"]
op = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("edit"), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("rename"), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("delete"), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("sync"), st.integers(0, 2), st.integers(0, 2)),
)


def files(vault: Vault) -> dict[str, str]:
    return {rel: vault.abs(rel).read_text() for rel, _ in vault.mirror.walk()}


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(op, min_size=1, max_size=14))
def test_three_replicas_converge_and_keep_every_word(ops: list[tuple]) -> None:
    tmp = Path(tempfile.mkdtemp())
    try:
        first = Vault.init(tmp / "r0")
        first.scan()
        vaults = [first] + [Vault.init(tmp / f"r{i}", root_id=first.root_id) for i in (1, 2)]
        links = {pair: Link(Replica(vaults[pair[0]], f"to{pair[1]}"),
                            Replica(vaults[pair[1]], f"to{pair[0]}"))
                 for pair in itertools.combinations(range(3), 2)}
        for link in links.values():
            link.sync()
        for vault in vaults[1:]:
            vault.scan()
        written: set[str] = set()
        may_vanish: set[str] = set()
        for step, (kind, who, arg) in enumerate(ops):
            vault = vaults[who]
            if kind == "sync":
                if who != arg:
                    links[tuple(sorted((who, arg)))].sync()
                continue
            path = vault.abs(f"notes/{arg}.md")
            token = f"w{step}r{who}"
            if kind == "create" and not path.exists():
                path.parent.mkdir(exist_ok=True)
                path.write_text(f"{token}\n")
                written.add(token)
            elif kind == "edit" and path.exists():
                path.write_text(path.read_text() + f"{token}\n")
                written.add(token)
            elif kind == "rename" and path.exists():
                target = vault.abs(f"notes/{arg}-moved{step}.md")
                os.rename(path, target)
            elif kind == "delete" and path.exists():
                may_vanish |= set(path.read_text().split())
                path.unlink()
            vault.scan()
        for _ in range(3):
            for link in links.values():
                link.sync()
        contents = [files(v) for v in vaults]
        assert contents[0] == contents[1] == contents[2]
        present = set(" ".join(contents[0].values()).split())
        assert written - may_vanish <= present
        for link in links.values():
            link.a.close()
            link.b.close()
        for vault in vaults:
            vault.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
