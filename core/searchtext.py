"""Search text for every script: what the full-text index stores and what a typed query means.

SQLite's `unicode61` tokenizer splits words at spaces and punctuation, so text written without
spaces (Chinese, Japanese, Thai, Lao, Khmer, Burmese) and Arabic words with an attached article
(الكتاب) become one long token that no query word matches. `index_text` puts a space around
each letter of those scripts before the text is indexed; `match_expression` does the same to a
query word and asks for the letters as a phrase, so a query matches wherever the letters appear
in that order, as grep finds them. Combining marks stay with their letter.

The query language, for `solo search`, the TUI and the assistant's retrieval:
- words: every word must match (the last one as a prefix, for search-as-you-type);
- `"exact words"`: a phrase; `-word` or `-"some phrase"`: excluded;
- a word holding characters the tokenizer drops (`C++`, `don't`, `C#`, `.NET`) is searched as
  its pieces in order, and also returned in `literals` so the caller can keep only hits whose
  text holds it as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Letters of scripts written without spaces between words, and Arabic; the combining marks
# inside these blocks are listed apart so they stay attached to the letter before them.
_MARKS = ("\u064b-\u065f\u0670\u06d6-\u06ed\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc"
          "\u0ec8-\u0ecd\u17b4-\u17d3\u102b-\u103e\u3099\u309a")
_BLOCKS = ("\u0600-\u06ff\u0750-\u077f\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff"
           "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
           "\U00020000-\U0002fa1f")
_UNSPACED = re.compile(f"[{_BLOCKS}]")
_LETTER_WITH_MARKS = re.compile(f"(?:(?![{_MARKS}])[{_BLOCKS}])[{_MARKS}]*|[{_MARKS}]+")
_LETTER_OR_MARK = re.compile(f"[{_BLOCKS}{_MARKS}]")
_SPACES = re.compile(" +")
_TOKEN = re.compile(r"\w+")
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def index_text(text: str) -> str:
    """`text` as the full-text index should store it: a space around each letter of the
    unspaced scripts (and Arabic), everything else unchanged. Cheap for text without them."""
    if _UNSPACED.search(text) is None:
        return text
    return _LETTER_WITH_MARKS.sub(lambda m: f" {m.group(0)} ", text)


def readable(snippet: str, marks: str = "") -> str:
    """Indexed text (a snippet of it, with its highlight `marks`) as it was written: each
    letter of the unspaced scripts carries one added space on each side, so a run of spaces
    loses one for every such letter beside it."""
    if _UNSPACED.search(snippet) is None:
        return snippet

    def letter_at(index: int, step: int) -> bool:
        while 0 <= index < len(snippet) and snippet[index] in marks:
            index += step
        if not 0 <= index < len(snippet):
            return False
        return _LETTER_OR_MARK.fullmatch(snippet[index]) is not None

    def original(run: re.Match[str]) -> str:
        added = letter_at(run.start() - 1, -1) + letter_at(run.end(), 1)
        return " " * max(0, len(run.group(0)) - added)

    text = _SPACES.sub(original, snippet)
    if len(marks) == 2:  # two letters highlighted side by side read as one highlight
        text = re.sub(f"(?<=[{_BLOCKS}{_MARKS}]){re.escape(marks[1] + marks[0])}"
                      f"(?=[{_BLOCKS}])", "", text)
    return text


@dataclass(frozen=True)
class Query:
    """A typed query, understood: what must match, what must not, what must appear as typed."""

    expression: str
    """An FTS5 MATCH expression; "" when nothing in the query can be searched for."""
    literals: tuple[str, ...] = field(default=())
    """Words to find as typed (case-insensitive) in a hit's text, e.g. `c++`."""


def _phrase(words: list[str], prefix: bool) -> str:
    quoted = '"' + " ".join(words) + '"'
    return quoted + "*" if prefix else quoted


def _pieces(text: str) -> list[str]:
    return _TOKEN.findall(index_text(text))


def _is_plain(word: str) -> bool:
    return _TOKEN.fullmatch(word) is not None and _UNSPACED.search(word) is None


def parse_query(text: str, any_term: bool = False) -> Query:
    """Understand a typed query (see the module's docstring). With `any_term`, a hit needs
    only one of the words (the assistant's retrieval asks this way); exclusions still hold."""
    wanted: list[str] = []
    excluded: list[str] = []
    literals: list[str] = []
    parts = list(_QUERY_PART.finditer(text))
    for number, part in enumerate(parts):
        is_phrase = part.group(2) is not None
        negative = bool(part.group(1) if is_phrase else part.group(3))
        raw = part.group(2) if is_phrase else part.group(4)
        if not is_phrase and raw.startswith("-") and len(raw) > 1:
            negative, raw = True, raw.lstrip("-")  # "--word" as "-word"
        pieces = _pieces(raw)
        if not pieces:
            continue
        last = number == len(parts) - 1
        prefix = last and not is_phrase and not negative and _is_plain(raw)
        term = _phrase(pieces, prefix)
        (excluded if negative else wanted).append(term)
        if not negative and not is_phrase and not _is_plain(raw) and _UNSPACED.search(raw) is None:
            literals.append(raw.lower())
    if not wanted:
        return Query("")
    expression = (" OR " if any_term else " AND ").join(wanted)
    if any_term and len(wanted) > 1:
        expression = f"({expression})"
    for term in excluded:
        expression += f" NOT {term}"
    return Query(expression, tuple(literals) if not any_term else ())


def holds_literals(query: Query, *texts: str) -> bool:
    """True when every literal word of `query` appears (case-insensitively) in one of `texts`."""
    if not query.literals:
        return True
    haystack = "\n".join(texts).lower()
    return all(word in haystack for word in query.literals)
