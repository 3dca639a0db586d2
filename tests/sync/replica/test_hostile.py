"""A hostile peer's index cannot make Solo write, delete or read outside the vault."""

from __future__ import annotations

from pathlib import Path

from solo.core.engine.replica import Replica
from solo.core.vault import Vault

from .conftest import Link

EVIL_PATHS = ["../escaped.md", "/tmp/solo-absolute-escape.md", ".solo/vault.md",
              "notes/../../escaped2.md", "link/inside.md", "notes/con.md"]


def test_hostile_index_writes_nothing_outside(tmp_path: Path) -> None:
    attacker = Vault.init(tmp_path / "attacker")
    (tmp_path / "attacker" / "notes").mkdir()
    (tmp_path / "attacker" / "notes" / "bait.md").write_text("payload\n")
    attacker.scan()
    bait = attacker.resolve("notes/bait.md").doc_id or ""
    victim_root = tmp_path / "victim" / "vault"
    victim_root.mkdir(parents=True)
    outside = tmp_path / "victim" / "outside"
    outside.mkdir()
    (victim_root / "link").symlink_to(outside)
    victim = Vault.init(victim_root, root_id=attacker.root_id)
    link = Link(Replica(attacker, "x"), Replica(victim, "x"))
    link.sync()
    victim.scan()
    # The attacker now points its document at every hostile path in turn.
    for evil in EVIL_PATHS:
        with attacker.lock:
            attacker.repo.set_root_entry(bait, path=evil)
        link.sync()
        assert not (tmp_path / "victim" / "escaped.md").exists()
        assert not (tmp_path / "escaped2.md").exists()
        assert not Path("/tmp/solo-absolute-escape.md").exists()
        assert not (victim_root / ".solo" / "vault.md").exists()
        assert list(outside.iterdir()) == []
    assert len(link.b.problems) >= len(EVIL_PATHS) - 1
    assert (victim_root / "notes" / "bait.md").read_text() == "payload\n"
    link.a.close()
    link.b.close()
