"""Obsidian- and Logseq-style vaults (tests/fixtures) open, list, search and heal untouched."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.solo_cli import run_solo

from solo.core.engine.docform import render_doc
from solo.core.model import markdown
from solo.core.model.links import Resolver, Target
from solo.core.vault import Vault

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".solo" not in p.relative_to(root).parts}


@pytest.fixture(params=["obsidian", "logseq"])
def real(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Vault, Path]]:
    root = tmp_path / request.param
    shutil.copytree(FIXTURES / request.param, root)
    vault = Vault.init(root)
    yield vault, root
    vault.close()


@pytest.fixture
def obsidian(tmp_path: Path) -> Iterator[Vault]:
    root = tmp_path / "obsidian"
    shutil.copytree(FIXTURES / "obsidian", root)
    vault = Vault.init(root)
    vault.scan()
    yield vault
    vault.close()


def test_opening_listing_searching_and_doctor_never_rewrite_a_file(real: tuple[Vault, Path]
                                                                   ) -> None:
    vault, root = real
    before = _snapshot(FIXTURES / root.name)
    vault.scan()
    assert vault.rows()
    vault.search("canvas")
    vault.search("TODO")
    for row in vault.rows():
        if row.doc_id:  # the CRDT document renders exactly the file
            assert render_doc(vault.repo.load(row.doc_id)).encode() == before[row.path]
    findings = vault.doctor()
    assert all("differs" not in f for f in findings)
    vault.close()
    reopened = Vault(root)
    reopened.scan()
    reopened.close()
    assert _snapshot(root) == before


def test_every_yaml_property_is_a_field_in_solo_list(tmp_path: Path) -> None:
    root = tmp_path / "o"
    shutil.copytree(FIXTURES / "obsidian", root)
    before = _snapshot(root)
    assert run_solo("init", str(root)).returncode == 0
    r = run_solo("--vault", str(root), "list", "--json")
    assert r.returncode == 0, r.stderr
    rows = {row["path"]: row for row in json.loads(r.stdout)}
    home = rows["Home.md"]
    assert home["title"] == "Home base"
    assert home["aliases"] == ["Start", "主页"] and home["cssclasses"] == ["wide-page"]
    assert home["created"] == "2025-01-04" and home["reviewed"] == "2025-01-04T18:30:00"
    assert home["rating"] is None and home["owner"] is None and home["link"] == "[[Index]]"
    task = rows["tasks/Pay invoice.md"]
    assert (task["kind"], task["status"], task["due"], task["estimate"]) == (
        "task", "next", "2025-03-01", 30)
    assert "not valid YAML" in rows["Broken.md"]["problem"]
    assert "Broken.md" in run_solo("--vault", str(root), "doctor").stdout
    tagged = json.loads(run_solo("--vault", str(root), "list", "--tag", "振り返り",
                                 "--json").stdout)
    assert [row["path"] for row in tagged] == ["日記/2025-01-05.md"]
    assert home["tags"] == ["dashboard", "area/home", "daily", "nested/area"]  # body #tags too
    assert _snapshot(root) == before


def test_tags_merge_front_matter_and_body_but_not_code(obsidian: Vault) -> None:
    rows = {row.path: row for row in obsidian.rows()}
    assert rows["Home.md"].tags == ["dashboard", "area/home", "daily", "nested/area"]
    assert rows["b/c/d/Deep note.md"].tags == ["deep", "notes"]
    assert rows["Archive/Plugins/Canvas.md"].tags == ["plugin/old"]
    assert [r.path for r in obsidian.rows(tag="plugin")] == ["Plugins/Canvas.md"]


def test_editing_a_key_keeps_yaml_and_changes_only_that_keys_lines(obsidian: Vault) -> None:
    path = obsidian.abs("tasks/Pay invoice.md")
    old = path.read_text().splitlines()
    obsidian.update("tasks/Pay invoice.md", {"status": "done", "due": dt.date(2025, 3, 8)})
    new = path.read_text().splitlines()
    assert new[0] == "---" and "# a comment between keys" in new
    assert [ln for ln in old if ln not in new] == ["status: next", "due: 2025-03-01"]
    assert [ln for ln in new if ln not in old] == ["status: done", "due: 2025-03-08"]
    row = obsidian.resolve("tasks/Pay invoice.md")
    assert row.status == "done" and row.due == "2025-03-08"


def test_new_files_are_yaml_when_the_config_says_so(obsidian: Vault) -> None:
    obsidian.config.front_matter = "yaml"
    item = obsidian.create("task", "Call the bank", {"tags": ["admin"]})
    text = obsidian.abs(item.path).read_text()
    assert text.startswith("---\n") and "tags:\n  - admin\n" in text
    assert item.kind == "task" and item.row.tags == ["admin"]
    obsidian.save_config()
    assert 'front_matter = "yaml"' in obsidian.config_path.read_text()


def test_links_in_the_obsidian_fixture_resolve_like_obsidian(obsidian: Vault) -> None:
    targets = []
    for row in obsidian.rows():
        aliases = markdown.normalize_aliases(row.fields.get("aliases"))
        targets.append(Target(row.path, tuple(aliases), row.title))
    resolver = Resolver(targets)

    def resolved(source: str) -> list[str | None]:
        body = obsidian.read(source).body
        return [resolver.resolve(link.target, source) for link in markdown.wikilinks(body)]

    assert resolved("b/c/d/Deep note.md") == ["b/c/Index.md", "Plugins/Canvas.md", "Home.md"]
    assert resolved("a/Index.md") == ["a/Index.md"]
    assert resolved("Home.md") == ["Plugins/Canvas.md", "a/Index.md", "Meeting notes.md",
                                   "Meeting notes.md", None]
    assert resolver.resolve("C index", "Home.md") == "b/c/Index.md"
    assert resolved("日記/2025-01-05.md") == ["Home.md"]


def test_a_merged_meta_change_renders_as_a_yaml_line_edit(obsidian: Vault) -> None:
    row = obsidian.resolve("tasks/Pay invoice.md")
    old = obsidian.abs(row.path).read_text()
    doc = obsidian.repo.load(row.doc_id)
    with doc.change() as edit:  # what a merge from another device does to the map
        edit.put(["meta", "status"], "waiting")
        edit.put(["meta", "rating"], None)
    text = render_doc(doc)
    assert text.startswith("---\n") and "# a comment between keys\n" in text
    assert [ln for ln in old.splitlines() if ln not in text.splitlines()] == ["status: next"]
    assert [ln for ln in text.splitlines() if ln not in old.splitlines()] == [
        "status: waiting", "rating:"]


def test_completing_a_yaml_task_edits_its_yaml(obsidian: Vault) -> None:
    done, _ = obsidian.complete("tasks/Pay invoice.md", today=dt.date(2025, 3, 2))
    assert done.head.startswith("---\n") and "status: done\n" in done.head
    assert "# a comment between keys\n" in done.head and done.row.status == "done"


def test_every_fixture_file_renders_back_from_its_document_byte_for_byte(obsidian: Vault) -> None:
    """What a remote change writes starts from the document: empty YAML properties
    (`due:`), timestamps and comments must come back exactly, or a peer's edit to one key
    would rewrite the user's other lines."""
    checked = 0
    for row in obsidian.rows():
        if row.doc_id and not row.problem:
            text = obsidian.abs(row.path).read_text(encoding="utf-8")
            assert render_doc(obsidian.repo.load(row.doc_id)) == text, row.path
            checked += 1
    assert checked >= 5
