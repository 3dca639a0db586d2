"""Issue 12: a peer's document never destroys a local file, and bad content never bricks a vault."""

from __future__ import annotations

from pathlib import Path

import pytest

from solo.core.vault import Vault

from .conftest import Link

Pair = tuple[Vault, Vault, Link]

NOT_MIRRORED = {
    "binary": b"\x89PNG\r\n\x00\x00 not text",
    "invalid-utf8": b"caf\xe9 au lait\n",
    "too-big": b"x" * (1024 * 1024 + 10),
}


@pytest.mark.parametrize("kind", sorted(NOT_MIRRORED))
def test_remote_note_never_overwrites_a_file_that_is_not_mirrored(pair: Pair, kind: str) -> None:
    a, b, link = pair
    local = NOT_MIRRORED[kind]
    (b.root / "notes").mkdir(exist_ok=True)
    (b.root / "notes" / "x.md").write_bytes(local)
    report = b.scan()
    assert "notes/x.md" in report.problems  # Solo promised to keep it as it is
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "x.md").write_text("the remote note\n")
    a.scan()
    link.sync()
    assert (b.root / "notes" / "x.md").read_bytes() == local
    beside = [p for p in (b.root / "notes").iterdir() if p.name.startswith("x (conflict ")]
    assert len(beside) == 1 and beside[0].read_text() == "the remote note\n"
    assert any("notes/x.md" in problem for problem in link.b.problems)
    # Both devices agree where the remote note lives now.
    link.sync()
    assert (a.root / "notes" / beside[0].name).read_text() == "the remote note\n"


def test_remote_edit_never_overwrites_its_own_file_made_binary(pair: Pair) -> None:
    a, b, link = pair
    (a.root / "notes").mkdir(exist_ok=True)
    (a.root / "notes" / "y.md").write_text("first words\n")
    a.scan()
    link.sync()
    assert (b.root / "notes" / "y.md").read_text() == "first words\n"
    (b.root / "notes" / "y.md").write_bytes(b"now \x00 binary")
    a.update("notes/y.md", {"status": "next"})
    link.sync()
    assert (b.root / "notes" / "y.md").read_bytes() == b"now \x00 binary"
    assert any("notes/y.md" in problem for problem in link.b.problems)
