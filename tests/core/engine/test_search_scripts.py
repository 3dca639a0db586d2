"""Search finds what grep finds in every script, and understands phrases, -word and C++."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from solo.core.vault import Vault

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "obsidian"


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Vault:
    root = tmp_path_factory.mktemp("scripts") / "vault"
    shutil.copytree(FIXTURE, root)
    opened = Vault.init(root)
    opened.scan()
    return opened


def grep_files(root: Path, needle: str) -> set[str]:
    """Markdown files holding `needle`, as `grep -rlF` finds them."""
    found = subprocess.run(["grep", "-rlF", "--include=*.md", needle, "."], cwd=root,
                           capture_output=True, text=True, check=False).stdout
    return {line.removeprefix("./") for line in found.splitlines() if line}


def search_files(vault: Vault, text: str) -> set[str]:
    return {hit.row.path for hit in vault.search(text, limit=100)}


@pytest.mark.parametrize("needle", ["笔记", "笔", "会议记录", "今日", "日記", "整理",
                                    "ไม่มี", "เว้นวรรค", "كتاب", "المكتبة"])
def test_text_without_spaces_is_found_as_grep_finds_it(vault: Vault, needle: str) -> None:
    expected = grep_files(vault.root, needle)
    assert expected, f"the fixture holds {needle!r}"
    assert search_files(vault, needle) == expected


def test_snippets_read_as_the_note_is_written(vault: Vault) -> None:
    (hit,) = [h for h in vault.search("会议记录") if h.row.path.endswith("学习笔记.md")]
    assert "[会议记录]" in hit.snippet.replace("][", "") or "[会][议][记][录]" in hit.snippet
    assert "读书笔记和" in hit.snippet.replace("[", "").replace("]", "")


def test_phrases_exclusions_and_literal_words(vault: Vault) -> None:
    note = "Languages/学习笔记.md"
    assert note in search_files(vault, "C++")
    assert note in search_files(vault, "don't")
    assert note in search_files(vault, '"forget the tests"')
    assert note not in search_files(vault, '"the forget tests"')
    assert note not in search_files(vault, "tests -Mixed")
    assert search_files(vault, "-tests") == set()


def test_an_old_index_is_rebuilt_for_the_new_search_text(tmp_path: Path) -> None:
    root = tmp_path / "v"
    shutil.copytree(FIXTURE, root)
    first = Vault.init(root)
    first.scan()
    first.close()
    again = Vault(root)
    try:
        assert "Languages/学习笔记.md" in search_files(again, "笔记")
    finally:
        again.close()
