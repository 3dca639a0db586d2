"""Issue 12: no sync round deletes more than the configured share of a vault without confirmation."""

from __future__ import annotations

from pathlib import Path

from solo.core.engine.replica import Replica, delete_limit
from solo.core.vault import Vault

from .conftest import Link, make_pair


def _vaults(tmp_path: Path, count: int) -> tuple[Vault, Vault]:
    a, b = make_pair(tmp_path)
    (a.root / "notes").mkdir()
    for n in range(count):
        (a.root / "notes" / f"n{n:02}.md").write_text(f"note {n}\n")
    a.scan()
    Link(Replica(a, "peer"), Replica(b, "peer")).sync()
    b.scan()
    assert len(b.rows()) == count
    return a, b


def test_a_round_deleting_too_much_holds_the_rest_back_until_confirmed(tmp_path: Path) -> None:
    a, b = _vaults(tmp_path, 30)
    for n in range(25):
        (a.root / "notes" / f"n{n:02}.md").unlink()
    a.scan()
    link = Link(Replica(a, "peer"), Replica(b, "peer"))
    link.sync()
    assert delete_limit(b.config.sync, 30) == 20
    left = sorted(p.name for p in (b.root / "notes").iterdir())
    assert len(left) == 10, left  # 20 deleted, 5 held back, 5 never deleted
    assert any("held back 5 deletion(s)" in p for p in link.b.problems), link.b.problems
    held = link.b.held_deletes()
    assert len(held) == 5 and all(not p.startswith("notes/n2") or p < "notes/n25" for p in held)
    again = Replica(b, "peer")  # the next round re-offers them
    assert any("5 deletion(s) a peer sent are held back" in p for p in again.problems)
    assert sorted(again.apply_held_deletes()) == held
    assert sorted(p.name for p in (b.root / "notes").iterdir()) == [
        f"n{n:02}.md" for n in range(25, 30)]
    assert again.held_deletes() == []
    again.close()
    a.close()
    b.close()


def test_a_round_within_the_limit_deletes_everything_it_was_sent(tmp_path: Path) -> None:
    a, b = _vaults(tmp_path, 25)
    for n in range(20):
        (a.root / "notes" / f"n{n:02}.md").unlink()
    a.scan()
    link = Link(Replica(a, "peer"), Replica(b, "peer"))
    link.sync()
    assert len(list((b.root / "notes").iterdir())) == 5
    assert not [p for p in link.b.problems if "held back" in p]
    a.close()
    b.close()


def test_allow_deletes_applies_a_large_delete_at_once(tmp_path: Path) -> None:
    a, b = _vaults(tmp_path, 30)
    for n in range(30):
        (a.root / "notes" / f"n{n:02}.md").unlink()
    a.scan()
    replica = Replica(b, "peer")
    replica.allow_deletes = True
    Link(Replica(a, "peer"), replica).sync()
    assert list((b.root / "notes").iterdir()) == []
    a.close()
    b.close()
