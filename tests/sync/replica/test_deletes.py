"""Issue 12, item 5: a delete after an edit sticks; an edit concurrent with a delete wins."""

from __future__ import annotations

from solo.core.vault import Vault

from .conftest import Link

Pair = tuple[Vault, Vault, Link]


def test_a_delete_after_an_edit_sticks_on_both_devices(pair: Pair) -> None:
    a, b, link = pair
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "d.md").write_text("draft\n")
    a.scan()
    link.sync()
    assert (b.root / "notes" / "d.md").read_text() == "draft\n"
    (a.root / "notes" / "d.md").write_text("draft, edited\n")
    a.scan()
    (a.root / "notes" / "d.md").unlink()
    a.scan()
    link.sync()
    assert not (b.root / "notes" / "d.md").exists()
    assert not (a.root / "notes" / "d.md").exists()
    link.sync()
    b.scan()
    a.scan()
    link.sync()
    assert not (a.root / "notes" / "d.md").exists()
    assert not (b.root / "notes" / "d.md").exists()
    assert [row.path for row in b.rows()] == [] == [row.path for row in a.rows()]


def test_an_edit_concurrent_with_a_delete_brings_the_file_back(pair: Pair) -> None:
    a, b, link = pair
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "d.md").write_text("draft\n")
    a.scan()
    link.sync()
    (a.root / "notes" / "d.md").write_text("draft, edited on A\n")
    a.scan()
    (a.root / "notes" / "d.md").unlink()
    a.scan()
    (b.root / "notes" / "d.md").write_text("draft\nand words from B\n")
    b.scan()
    link.sync()
    for vault in (a, b):
        text = (vault.root / "notes" / "d.md").read_text()
        assert "words from B" in text
    assert (a.root / "notes" / "d.md").read_bytes() == (b.root / "notes" / "d.md").read_bytes()
