"""The assistant's retrieval finds passages in every script: a question in Chinese, Japanese or
Thai (no spaces between words) retrieves the notes grep finds for the words it asks about."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from solo.core.assistant.retrieval import SCHEMA_VERSION, ChunkIndex, distinct_files, question_match
from solo.core.vault import Vault

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "obsidian"
# Notes on other topics in the same scripts, so a hit has to be earned by the right letters.
DISTRACTORS = {
    "Travel/旅行.md": "# 旅行\n\n去年夏天去了京都，拍了很多照片，也买了纪念品。\n",
    "Travel/料理.md": "# 料理\n\n週末はカレーを作った。スパイスを買いに行った。\n",
    "Travel/ตลาด.md": "# ตลาด\n\nวันเสาร์ไปตลาดนัดซื้อผลไม้และขนม\n",
}


@pytest.fixture(scope="module")
def chunks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChunkIndex]:
    root = tmp_path_factory.mktemp("retrieval-scripts") / "vault"
    shutil.copytree(FIXTURE, root)
    for rel, text in DISTRACTORS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    vault = Vault.init(root)
    vault.scan()
    index = ChunkIndex(vault)
    index.sync()
    yield index
    index.close()
    vault.close()


def grep_files(root: Path, needle: str) -> set[str]:
    """Markdown files holding `needle`, as `grep -rlF` finds them."""
    found = subprocess.run(["grep", "-rlF", "--include=*.md", needle, "."], cwd=root,
                           capture_output=True, text=True, check=False).stdout
    return {line.removeprefix("./") for line in found.splitlines() if line}


@pytest.mark.parametrize(("question", "needle"), [
    ("我的读书笔记在哪里？", "读书笔记"),
    ("会议记录写了什么", "会议记录"),
    ("下周要复习什么？", "复习"),
    ("何を整理しましたか", "整理"),
    ("カレーの作り方は？", "カレー"),
    ("การเว้นวรรคคืออะไร", "เว้นวรรค"),
    ("ไปตลาดเมื่อไหร่", "ตลาด"),
    ("Where did I write about Solo笔记?", "Solo笔记"),
])
def test_a_question_without_spaces_finds_what_grep_finds(chunks: ChunkIndex, question: str,
                                                          needle: str) -> None:
    expected = grep_files(chunks.vault.root, needle)
    assert expected, f"the fixture holds {needle!r}"
    files = distinct_files(chunks.search(question, limit=20))
    assert set(files[:len(expected)]) == expected, (question, files)


def test_unspaced_letters_are_asked_as_letter_pairs() -> None:
    assert question_match("笔记") == 'grams : ("笔记")'
    assert question_match("exam 笔记?") == '"exam" OR grams : ("笔记")'
    assert question_match("When is it?") == '"when"'
    assert question_match("？") == ""


def test_an_index_from_before_the_grams_column_is_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    (root / "学习.md").write_text("今天整理了读书笔记。\n", encoding="utf-8")
    vault = Vault.init(root)
    vault.scan()
    old = sqlite3.connect(vault.solo_dir / "assistant.sqlite")
    old.executescript("CREATE TABLE chunks (id INTEGER PRIMARY KEY, path TEXT);"
                      f"PRAGMA user_version={SCHEMA_VERSION - 1};")
    old.close()
    index = ChunkIndex(vault)
    index.sync()
    assert distinct_files(index.search("读书笔记在哪里")) == ["学习.md"]
    # An edit replaces the chunk's letter pairs: the old words are no longer found.
    (root / "学习.md").write_text("明天去图书馆。\n", encoding="utf-8")
    vault.scan()
    index.refresh()
    assert index.search("读书笔记") == []
    assert distinct_files(index.search("图书馆在哪里")) == ["学习.md"]
    index.close()
    vault.close()
