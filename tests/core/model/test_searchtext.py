"""The search text of every script, and the query language, against a real SQLite FTS5 table
laid out as the index lays it out (a `grams` column, positions not kept)."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.model.searchtext import (
    grams,
    holds_literals,
    normalized,
    parse_query,
    snippet_around,
)


def table(*bodies: str) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(body, grams, "
               "tokenize = 'unicode61 remove_diacritics 2', detail = column)")
    db.executemany("INSERT INTO fts(rowid, body, grams) VALUES (?, ?, ?)",
                   [(n, b, grams(b)) for n, b in enumerate(bodies)])
    return db


def found(db: sqlite3.Connection, text: str) -> list[int]:
    query = parse_query(text)
    if not query.expression:
        return []
    rows = db.execute("SELECT rowid, body FROM fts WHERE fts MATCH ? ORDER BY rowid",
                      (query.expression,)).fetchall()
    return [n for n, body in rows if holds_literals(query, body)]


BODIES = (
    "我的笔记本里有很多笔记。",             # 0 Chinese, no spaces
    "今日は会議のメモを書きました",           # 1 Japanese
    "ภาษาไทยไม่มีการเว้นวรรค",                # 2 Thai
    "قرأت الكتاب في المكتبة",                  # 3 Arabic, articles attached
    "I write C++ and C# but don't use Objective-C",  # 4
    "The quick brown fox jumps over the lazy dog",   # 5
    "a quick note about the brown bag",              # 6
    "Solo笔记 mixed with Latin",                     # 7
    "记笔 in the other order",                       # 8
)


def test_text_without_spaces_is_found_as_grep_finds_it() -> None:
    db = table(*BODIES)
    assert found(db, "笔记") == [0, 7]
    assert found(db, "笔") == [0, 7, 8]
    assert found(db, "会議") == [1]
    assert found(db, "ไม่มี") == [2]
    assert found(db, "كتاب") == [3]
    assert found(db, "مكتبة") == [3]
    assert found(db, "笔记 Latin") == [7]


def test_phrases_exclusions_and_literal_words() -> None:
    db = table(*BODIES)
    assert found(db, "quick brown") == [5, 6]
    assert found(db, '"quick brown"') == [5]
    assert found(db, "quick -fox") == [6]
    assert found(db, 'brown -"lazy dog"') == [6]
    assert found(db, "C++") == [4]
    assert found(db, "don't") == [4]
    assert found(db, "-fox") == []  # nothing wanted: nothing searched
    assert parse_query('"unclosed phrase').literals == ("unclosed phrase",)


def test_the_last_plain_word_is_a_prefix() -> None:
    db = table(*BODIES)
    assert found(db, "quick bro") == [5, 6]
    assert found(db, '"quick bro"') == []  # a phrase is whole words


def test_any_term_needs_one_word_and_keeps_exclusions() -> None:
    query = parse_query("fox bag -lazy", any_term=True)
    db = table(*BODIES)
    rows = db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (query.expression,)).fetchall()
    assert sorted(r for (r,) in rows) == [6]


def test_checks_ignore_case_accents_and_spacing() -> None:
    assert normalized("Café  AU\nlait") == "cafe au lait"
    assert snippet_around("see the C++ code here", "c++") == "see the [C++] code here"
    assert snippet_around("nothing", "absent") is None


CJK = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(body=CJK, start=st.integers(0, 29), length=st.integers(1, 6))
def test_every_substring_of_unspaced_text_is_found(body: str, start: int, length: int) -> None:
    start = min(start, len(body) - 1)
    needle = body[start:start + length]
    assert found(table(body), needle) == [0]


@settings(max_examples=200, deadline=None)
@given(body=CJK, needle=CJK)
def test_what_is_found_holds_the_query_as_grep_would(body: str, needle: str) -> None:
    assert found(table(body), needle) == ([0] if needle in body else [])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_typed_query_is_safe_to_run(text: str) -> None:
    db = table(*BODIES)
    query = parse_query(text)
    if query.expression:
        db.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (query.expression,)).fetchall()
