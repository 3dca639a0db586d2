"""The link index: complete backlinks, outgoing links with lines, unresolved links, kept up to date."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.solo_cli import run_solo

from solo.core.engine.linkindex import LinkIndex, fragment_line, scan_links
from solo.core.model.links import Resolver
from solo.core.vault import Vault

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture
def obsidian(tmp_path: Path) -> Iterator[Vault]:
    root = tmp_path / "obsidian"
    shutil.copytree(FIXTURES / "obsidian", root)
    vault = Vault.init(root)
    vault.scan()
    yield vault
    vault.close()


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v = Vault.init(tmp_path / "v")
    v.scan()
    yield v
    v.close()


def write(vault: Vault, rel: str, text: str) -> None:
    path = vault.abs(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_outgoing_links_of_the_fixture_home_note(obsidian: Vault) -> None:
    found = [(link.line, link.text, link.heading, link.block, link.resolved)
             for link in obsidian.links.outgoing("Home.md")]
    assert found == [
        (22, "[[Plugins/Canvas\\|the canvas plugin]]", None, None, "Plugins/Canvas.md"),
        (23, "[[Index]]", None, None, "a/Index.md"),
        (25, "[[Meeting notes#Decisions]]", "Decisions", None, "Meeting notes.md"),
        (25, "[[Meeting notes#^d1|that decision]]", None, "d1", "Meeting notes.md"),
        (25, "![[diagram.png]]", None, None, "diagram.png"),
        (26, "[local doc](b/c/d/Deep%20note.md)", None, None, "b/c/d/Deep note.md"),
        (26, "![](diagram.png)", None, None, "diagram.png"),
    ]
    lines = obsidian.abs("Home.md").read_text().splitlines()
    assert all(lines[link.line - 1] == link.line_text for link in obsidian.links.outgoing("Home.md"))


def test_backlinks_are_complete_past_the_old_fifty_hit_search(vault: Vault) -> None:
    write(vault, "Target.md", "# Target\n")
    for n in range(60):
        write(vault, f"notes/n{n:02}.md", f"intro\n\nsee [[Target]] here {n}\n")
    write(vault, "notes/code.md", "```\n[[Target]]\n```\n`[[Target]]`\n")
    vault.scan()
    found = vault.links.backlinks("Target.md")
    assert [link.src for link in found] == [f"notes/n{n:02}.md" for n in range(60)]
    assert {(link.line, link.line_text) for link in found[:1]} == {(3, "see [[Target]] here 0")}


def test_backlinks_through_alias_title_partial_path_and_md_links(vault: Vault) -> None:
    write(vault, "Plugins/Canvas.md", "---\naliases: [Board]\ntitle: The Canvas\n---\nbody\n")
    write(vault, "Archive/Plugins/Canvas.md", "old\n")
    write(vault, "a.md", "[[Board]] and [[Plugins/Canvas#Use|x]]\n")
    write(vault, "b.md", "[[The Canvas]]\n[c](Plugins/Canvas.md)\n")
    write(vault, "Archive/c.md", "[[Canvas]]\n")  # nearest: the Archive one
    vault.scan()
    assert [(link.src, link.line) for link in vault.links.backlinks("Plugins/Canvas.md")] == [
        ("a.md", 1), ("a.md", 1), ("b.md", 1), ("b.md", 2)]
    assert [link.src for link in vault.links.backlinks("Archive/Plugins/Canvas.md")] == ["Archive/c.md"]


def test_the_index_follows_edits_renames_deletes_and_new_targets(vault: Vault) -> None:
    write(vault, "a.md", "[[Later]]\n")
    vault.scan()
    assert [link.target for link in vault.links.unresolved()] == ["Later"]
    write(vault, "Later.md", "now here\n")
    vault.scan()
    assert vault.links.unresolved() == []
    assert [link.src for link in vault.links.backlinks("Later.md")] == ["a.md"]
    vault.abs("a.md").rename(vault.abs("moved.md"))
    vault.scan()
    assert [link.src for link in vault.links.backlinks("Later.md")] == ["moved.md"]
    write(vault, "moved.md", "no more links\n")
    vault.ingest(["moved.md"])
    assert vault.links.backlinks("Later.md") == []
    write(vault, "moved.md", "[[Later]]\n")
    vault.ingest(["moved.md"])
    vault.abs("Later.md").unlink()
    vault.scan()
    assert [link.src for link in vault.links.unresolved()] == ["moved.md"]


def test_a_remote_change_updates_the_link_index(tmp_path: Path) -> None:
    """What arrives through the replica's write path is indexed as what was ingested."""
    a = Vault.init(tmp_path / "a")
    write(a, "T.md", "target\n")
    write(a, "n.md", "nothing yet\n")
    a.scan()
    doc_id = a.resolve("n.md").doc_id
    assert doc_id is not None
    with a.lock:
        doc = a.repo.load(doc_id)
        heads = doc.heads()
        with doc.change() as edit:
            edit.set_text(["body"], "now [[T]]\n")
        a.mirror.commit(doc_id, doc, heads)
        a.mirror.write_doc("n.md", doc_id, doc)
    assert [link.src for link in a.links.backlinks("T.md")] == ["n.md"]
    a.close()


def test_rebuilt_when_links_sqlite_is_lost(obsidian: Vault) -> None:
    before = [link.as_json() for link in obsidian.links.outgoing("Home.md")]
    root = obsidian.root
    obsidian.close()
    for name in ("links.sqlite", "links.sqlite-wal", "links.sqlite-shm"):
        (root / ".solo" / name).unlink(missing_ok=True)
    again = Vault(root)
    assert [link.as_json() for link in again.links.outgoing("Home.md")] == before
    assert {link.target for link in again.links.unresolved()} >= {"Missing note"}
    again.close()


def test_heading_and_block_lines_for_the_tui_jump(obsidian: Vault) -> None:
    lines = obsidian.abs("Meeting notes.md").read_text().splitlines()
    path, line = obsidian.links.target("Meeting notes#Decisions", "Home.md") or ("", None)
    assert path == "Meeting notes.md" and line is not None
    assert lines[line - 1] == "## Decisions"
    _, block = obsidian.links.target("[[Meeting notes#^d1|x]]", "Home.md") or ("", None)
    assert block is not None and lines[block - 1].endswith("^d1")
    assert obsidian.links.target("Meeting notes", "Home.md") == ("Meeting notes.md", None)
    assert obsidian.links.target("Nowhere") is None


def test_solo_links_and_backlinks_commands(tmp_path: Path) -> None:
    root = tmp_path / "o"
    shutil.copytree(FIXTURES / "obsidian", root)
    assert run_solo("init", str(root)).returncode == 0
    out = run_solo("--vault", str(root), "links", "Home.md", "--json")
    assert out.returncode == 0, out.stderr
    links = json.loads(out.stdout)
    assert links[0] == {"source": "Home.md", "line": 22,
                        "text": "[[Plugins/Canvas\\|the canvas plugin]]",
                        "target": "Plugins/Canvas", "heading": None, "block": None,
                        "embed": False, "style": "wiki",
                        "line_text": "| Canvas | [[Plugins/Canvas\\|the canvas plugin]] |",
                        "path": "Plugins/Canvas.md"}
    missing = json.loads(run_solo("--vault", str(root), "links", "Meeting notes",
                                  "--json").stdout)
    assert [(x["target"], x["path"]) for x in missing][-2:] == [
        ("manual.pdf", "Attachments/manual.pdf"), ("Missing note", None)]
    back = run_solo("--vault", str(root), "backlinks", "Meeting notes.md")
    assert back.returncode == 0
    assert back.stdout.splitlines() == [
        "Home.md:25  See [[Meeting notes#Decisions]], [[Meeting notes#^d1|that decision]] "
        "and ![[diagram.png]].",
        "Home.md:25  See [[Meeting notes#Decisions]], [[Meeting notes#^d1|that decision]] "
        "and ![[diagram.png]]."]
    plain = run_solo("--vault", str(root), "links", "Meeting notes").stdout
    assert "[[Missing note]]  → (unresolved)" in plain
    none = run_solo("--vault", str(root), "backlinks", "Broken.md").stdout
    assert none.strip() == "(nothing links to Broken.md)"


def test_fragment_line_finds_nested_headings_and_ignores_code() -> None:
    body = "```\n# Use\n```\n# Top\n## Use\ntext ^b1\n"
    assert fragment_line(body, "use", None) == 5
    assert fragment_line(body, "Top#Use", None) == 5
    assert fragment_line(body, None, "b1", first_line=10) == 15
    assert fragment_line(body, "absent", None) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["[[A]]", "![[b.png]]", "[x](c.md)", "text", "\n", "`",
                                 "```\n", "[[", "]]", "|", "#", "é"]), max_size=30))
def test_scan_lines_point_at_the_line_holding_the_link(parts: list[str]) -> None:
    body = "".join(parts)
    lines = body.split("\n")
    for link in scan_links("s.md", body, first_line=1):
        assert link.text in lines[link.line - 1]
        assert link.line_text == lines[link.line - 1].removesuffix("\r")


def test_link_index_survives_concurrent_readers(tmp_path: Path) -> None:
    one = LinkIndex(tmp_path / "l.sqlite")
    two = LinkIndex(tmp_path / "l.sqlite")
    one.update("a.md", "[[B]]\n")
    assert two.unresolved()[0].target == "B"
    one.set_target("B.md")
    assert two.unresolved() == [] and two.incoming("B.md")[0].src == "a.md"
    one.close()
    two.close()


_NAME_PARTS = st.sampled_from(["plan", "Plan", "PLAN", "straße", "STRASSE", "été", "Été",
                               "k", "\u212a", "a_b", "a%b", "x!y", "notes", "Notes", "ı", "I"])
_PATHS = st.lists(_NAME_PARTS, min_size=1, max_size=3).map(
    lambda parts: "/".join(parts) + st_ext(parts))


def st_ext(parts: list[str]) -> str:
    return ".png" if len(parts[-1]) == 1 else ".md"


@settings(max_examples=120, deadline=None)
@given(targets=st.lists(st.tuples(_PATHS, st.lists(_NAME_PARTS, max_size=2),
                                  st.sampled_from(["", "Plan", "Straße", "Été plan", "a%b"])),
                        min_size=1, max_size=12, unique_by=lambda t: t[0]),
       refs=st.lists(st.one_of(_NAME_PARTS, _PATHS, st.just("/plan"), st.just("plan.md"),
                               st.just("notes/plan"), st.just("Été plan")), min_size=1,
                     max_size=6))
def test_the_narrow_resolver_answers_every_reference_as_the_whole_one(
        tmp_path_factory: pytest.TempPathFactory, targets: list[tuple[str, list[str], str]],
        refs: list[str]) -> None:
    """`resolver_for(ref)` reads only the targets an SQL filter keeps; for every reference
    its candidates (and so its answer and its ambiguity) are those of the whole resolver."""
    file = tmp_path_factory.mktemp("links") / "links.sqlite"
    links = LinkIndex(file)
    for path, aliases, title in targets:
        links.set_target(path, aliases, title)
    whole = links.resolver()
    for ref in refs:
        fresh = LinkIndex(file)  # as a one-shot command opens it: no resolver built yet
        narrow = fresh.resolver_for(ref)
        if Resolver.needle(ref) is not None:  # else it is the whole one, built
            assert narrow is not fresh.resolver()
        assert narrow.candidates(ref) == whole.candidates(ref), ref
        assert narrow.nearest(ref) == whole.nearest(ref), ref
        fresh.close()
    links.close()


def test_the_narrow_resolver_keeps_a_non_ascii_alias_that_folds_to_the_reference(
        tmp_path: Path) -> None:
    links = LinkIndex(tmp_path / "links.sqlite")
    links.set_target("notes/road.md", ["Straße"], "")
    links.set_target("notes/other.md", [], "Other")
    links.close()
    fresh = LinkIndex(tmp_path / "links.sqlite")
    assert fresh.resolver_for("STRASSE").resolve("STRASSE") == "notes/road.md"
    assert fresh.resolver_for("\u212aelvin").resolve("\u212aelvin") is None
    fresh.close()
