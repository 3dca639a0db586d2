"""`LinkIndex.unresolved` resolves each distinct target once and gives what resolving every
link on its own gives, `./` and `../` links (whose answer depends on the note) included."""

from __future__ import annotations

from pathlib import Path

from solo.core.engine.linkindex import LinkIndex

NOTES = {
    "a/x.md": "[[./y]] [[Nope]] [[y]] [[../a/y#H]]\n",
    "a/y.md": "[[x|back]] and [[./missing]]\n",
    "b/z.md": "[[./y]] [[Nope]]\n\n[[../a/y]] ![[pic.png]] [md](../a/none.md)\n",
}


def test_unresolved_is_every_link_that_resolves_to_nothing(tmp_path: Path) -> None:
    index = LinkIndex(tmp_path / "links.sqlite")
    index.rebuild(((path, body, 1, [], "") for path, body in NOTES.items()), ["b/pic.png"])
    every = [link for src in sorted(NOTES) for link in index.outgoing(src)]
    expected = [(link.src, link.line, link.text) for link in every if link.resolved is None]
    assert [(link.src, link.line, link.text) for link in index.unresolved()] == expected
    assert expected == [("a/x.md", 1, "[[Nope]]"), ("a/y.md", 1, "[[./missing]]"),
                        ("b/z.md", 1, "[[./y]]"), ("b/z.md", 1, "[[Nope]]"),
                        ("b/z.md", 3, "[md](../a/none.md)")]
    index.close()
