"""Issue 12: random remote documents reaching a vault never brick it, never touch a file outside it,
and never stop the legitimate documents of the same round."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solo.core.engine.crdt import Doc
from solo.core.engine.replica import Replica
from solo.core.errors import SoloError
from solo.core.model.ids import new_document_id
from solo.core.vault import Vault

from .conftest import Link, make_pair

scalars = (st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1)
           | st.floats(allow_nan=False) | st.text(max_size=12) | st.binary(max_size=8))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)
paths = st.sampled_from(["notes/h.md", "../outside.md", "/tmp/solo-fuzz.md", ".solo/store/x.md",
                         "notes/legit.md", "notes/../../outside.md", "notes/h.md/x.md",
                         "~/x.md", "notes/\u202eh.md", "notes/CON.md"]) | st.text(max_size=20)
entries = st.fixed_dictionaries({}, optional={"path": paths | values, "kind": values,
                                              "deleted": st.booleans() | values,
                                              "rev": values, "deleted_rev": values,
                                              "deleted_heads": values})
documents = st.fixed_dictionaries({}, optional={"meta": values, "head": values | st.text(),
                                                "body": values | st.text(), "extra": values})


def _listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.is_relative_to(folder / "a") and
            not p.is_relative_to(folder / "b")}


def _hostile(b: Vault, content: dict[str, Any], entry: dict[str, Any] | Any) -> None:
    doc_id = new_document_id()
    doc = Doc.new(b.actor)
    with doc.change() as edit:
        for key, value in content.items():
            edit.put([key], value)
    b.repo.create(doc_id, doc)
    with b.repo.change(b.root_id) as edit:
        edit.put(["files", doc_id], entry)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(documents, entries | values), min_size=1, max_size=3))
def test_random_remote_documents_never_brick_the_vault(hostile: list[tuple[Any, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "outside.md").write_text("not the vault's\n")
        a, b = make_pair(base)
        (a.root / "notes").mkdir()
        (a.root / "notes" / "mine.md").write_text("my own words\n")
        a.scan()
        first = Link(Replica(a, "peer"), Replica(b, "peer"))
        first.sync()
        first.a.close()
        first.b.close()
        outside = _listing(base)
        (b.root / "notes" / "legit.md").write_text("a legitimate note\n")
        b.scan()
        for content, entry in hostile:
            try:
                _hostile(b, content, entry)
            except SoloError:  # a value the binding itself refuses: not one a peer can send
                b.repo.forget(b.root_id)
        link = Link(Replica(a, "peer"), Replica(b, "peer"))
        try:
            link.sync()
        except SoloError:
            pass  # a refused message is reported; what matters is what the vault still does
        link.a.close()
        link.b.close()
        # A hostile entry may claim notes/legit.md too: the smaller id keeps the path (the
        # same choice on every device), so the note is there or beside it, never lost.
        legit = [p for p in (a.root / "notes").glob("legit*.md")
                 if p.read_text() == "a legitimate note\n"]
        assert legit, sorted(p.name for p in (a.root / "notes").iterdir())
        assert (a.root / "notes" / "mine.md").read_text() == "my own words\n"
        assert _listing(base) == outside
        # every command still works, doctor included, and again after reopening
        for vault in (a, Vault(a.root)):
            vault.scan()
            for row in vault.rows():
                try:
                    vault.read(row.path)
                except SoloError:
                    pass  # a problem row names its problem
            vault.search("legitimate")
            vault.doctor()
            assert vault.doctor(repair=False) is not None
            vault.close()
        b.close()
