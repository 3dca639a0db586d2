"""Property tests of `core/textmerge.merge3`: the three-way merge the live editor relies on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.model.textmerge import merge3

text = st.text(alphabet="ab \nxé", max_size=30)
word = st.text(alphabet="abcé \n", max_size=12)
SEPARATOR = "\n|||\n"  # characters the edited parts never contain


@given(text, text, st.integers(0, 40))
def test_no_local_edit_takes_theirs(base: str, theirs: str, cursor: int) -> None:
    merged, new_cursor = merge3(base, base, theirs, cursor)
    assert merged == theirs and 0 <= new_cursor <= len(theirs)


@given(text, text, st.integers(0, 40))
def test_no_remote_edit_keeps_ours_and_the_cursor(base: str, ours: str, cursor: int) -> None:
    assert merge3(base, ours, base, cursor) == (ours, min(cursor, len(ours)))


@given(text, text)
def test_same_edit_on_both_sides_is_not_doubled(base: str, both: str) -> None:
    assert merge3(base, both, both, 0)[0] == both


@settings(max_examples=200)
@given(word, word, word, word, word)
def test_edits_in_separate_regions_both_survive(a: str, a2: str, b: str, c: str,
                                                c2: str) -> None:
    base = a + SEPARATOR + b + SEPARATOR + c
    ours = a2 + SEPARATOR + b + SEPARATOR + c
    theirs = a + SEPARATOR + b + SEPARATOR + c2
    merged, cursor = merge3(base, ours, theirs, len(a2))
    assert merged == a2 + SEPARATOR + b + SEPARATOR + c2
    assert cursor == len(a2)  # typing at the end of our edit: nothing moved before it


@settings(max_examples=200)
@given(word, st.text(alphabet="XYZ", min_size=1, max_size=8), word, word)
def test_cursor_shifts_by_inserts_before_it(prefix: str, inserted: str, typed: str,
                                            tail: str) -> None:
    base = prefix + SEPARATOR + tail
    ours = prefix + SEPARATOR + typed + tail
    theirs = inserted + SEPARATOR + prefix + SEPARATOR + tail
    cursor = len(prefix + SEPARATOR + typed)
    merged, new_cursor = merge3(base, ours, theirs, cursor)
    assert merged == inserted + SEPARATOR + prefix + SEPARATOR + typed + tail
    assert new_cursor == cursor + len(inserted + SEPARATOR)
    assert merged[:new_cursor].endswith(typed)


@given(text, text, text, st.integers(0, 40))
def test_never_fails_and_cursor_in_range(base: str, ours: str, theirs: str,
                                         cursor: int) -> None:
    merged, new_cursor = merge3(base, ours, theirs, cursor)
    assert 0 <= new_cursor <= len(merged)


@given(text, text, text)
def test_text_both_sides_inserted_is_kept(base: str, mine: str, other: str) -> None:
    merged, _ = merge3(base, base + SEPARATOR + mine, SEPARATOR + other + base, 0)
    assert mine in merged and other in merged


def test_examples() -> None:
    assert merge3("hello world", "hello brave world", "hello world!", 11) == (
        "hello brave world!", 11)
    assert merge3("abc", "abXc", "Yabc", 3) == ("YabXc", 4)
    assert merge3("one\ntwo\n", "one\ntwo\nthree", "zero\none\ntwo\n", 13) == (
        "zero\none\ntwo\nthree", 18)
