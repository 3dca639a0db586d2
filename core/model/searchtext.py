"""Search text for every script: the letter pairs the full-text index keeps for text written
without spaces, and what a typed query means.

SQLite's `unicode61` tokenizer splits words at spaces and punctuation, so text written without
spaces (Chinese, Japanese, Thai, Lao, Khmer, Burmese) and Arabic words with an attached article
(الكتاب) become one long token that no query word matches. `grams` gives, for such text, each
letter and each pair of neighbouring letters; the index keeps them in a column of their own.
A query word in those scripts asks for its letter pairs, and the hits are then checked for the
word itself, so a query matches wherever its letters appear in that order, as grep finds them.

The query language, for `solo search`, the TUI and the assistant's retrieval:
- words: every word must match (the last one as a prefix, for search-as-you-type);
- `"exact words"`: a phrase; `-word` or `-"some phrase"`: excluded;
- a word holding characters the tokenizer drops (`C++`, `don't`, `C#`, `.NET`) is searched as
  its pieces, and the hits are checked for the word as typed.
Checks compare case-folded text without accents and with runs of spaces as one space.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass, field

# Letters of scripts written without spaces between words, and Arabic; the combining marks
# inside these blocks are dropped from letter pairs (a vowel sign is not a letter).
_MARKS = ("\u064b-\u065f\u0670\u06d6-\u06ed\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc"
          "\u0ec8-\u0ecd\u17b4-\u17d3\u102b-\u103e\u3099\u309a")
_BLOCKS = ("\u0600-\u06ff\u0750-\u077f\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff"
           "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
           "\U00020000-\U0002fa1f")
_UNSPACED = re.compile(f"[{_BLOCKS}]")
_RUN = re.compile(f"[{_BLOCKS}]+")
_MARK = re.compile(f"[{_MARKS}]")
_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
GRAMS_COLUMN = "grams"


class _Tokenizer:
    """SQLite's own `unicode61` tokenizer, asked through a scratch table in memory: its idea
    of a word follows Unicode 6.1 (an emoji is a letter, `€` and `+` are not) and no regex
    in Python has the same tables."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE words USING fts5(text, "
                         "tokenize = 'unicode61 remove_diacritics 2')")
        self._db.execute("CREATE VIRTUAL TABLE seen USING fts5vocab(words, 'instance')")

    def tokens(self, text: str) -> list[str]:
        with self._lock:
            self._db.execute("DELETE FROM words")
            self._db.execute("INSERT INTO words(rowid, text) VALUES (1, ?)", (text,))
            return [t for (t,) in self._db.execute("SELECT term FROM seen ORDER BY offset")]


_TOKENIZER: _Tokenizer | None = None


def tokens(text: str) -> list[str]:
    """The words the index makes of `text`, folded as it folds them (lower case, no accents)."""
    global _TOKENIZER
    if not text.strip():
        return []
    if _TOKENIZER is None:
        _TOKENIZER = _Tokenizer()
    return _TOKENIZER.tokens(text)


def is_word(text: str) -> bool:
    """True when `text` is one whole word of the index (nothing in it is a separator)."""
    found = tokens(text)
    return len(found) == 1 and len(found[0]) == len(normalized(text))


def _letters(run: str) -> str:
    return _MARK.sub("", run)


def grams(text: str) -> str:
    """Each letter and each pair of neighbouring letters of the unspaced runs in `text`,
    space-separated ("" for text without them: the common case costs one regex search)."""
    if _UNSPACED.search(text) is None:
        return ""
    out: list[str] = []
    for run in _RUN.findall(text):
        letters = _letters(run)
        out.extend(letters)
        out.extend(letters[i:i + 2] for i in range(len(letters) - 1))
    return " ".join(out)


def _word_grams(word: str) -> list[str]:
    """The tokens a query word's unspaced runs must all match: its letter pairs (a lone
    letter itself)."""
    wanted: list[str] = []
    for run in _RUN.findall(word):
        letters = _letters(run)
        if len(letters) == 1:
            wanted.append(letters)
        wanted.extend(letters[i:i + 2] for i in range(len(letters) - 1))
    return wanted


def normalized(text: str) -> str:
    """Text as the checks compare it: case-folded, accents and vowel signs dropped, every run
    of white space one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


@dataclass(frozen=True)
class Query:
    """A typed query, understood: what must match, what must not, what must appear as typed."""

    expression: str
    """An FTS5 MATCH expression; "" when nothing in the query can be searched for."""
    literals: tuple[str, ...] = field(default=())
    """Text a hit must hold (compared `normalized`): phrases, C++, words in unspaced scripts."""


def _term(raw: str, prefix: bool) -> str | None:
    """The MATCH expression of one typed word or phrase; None when it holds nothing to find."""
    parts: list[str] = []
    spaced = _RUN.sub(" ", raw)
    pieces = tokens(spaced)
    for number, piece in enumerate(pieces):
        last = number == len(pieces) - 1
        parts.append(f'"{piece}"*' if prefix and last else f'"{piece}"')
    letter_pairs = _word_grams(raw)
    if letter_pairs:
        parts.append(f"{GRAMS_COLUMN} : (" + " AND ".join(f'"{g}"' for g in letter_pairs) + ")")
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _needs_check(raw: str, is_phrase: bool) -> bool:
    return is_phrase or _UNSPACED.search(raw) is not None or not is_word(raw)


def parse_query(text: str, any_term: bool = False) -> Query:
    """Understand a typed query (see the module's docstring). With `any_term`, a hit needs
    only one of the words (the assistant's retrieval asks this way: nothing is checked then,
    a passage that holds some of the words is what it wants); exclusions still hold."""
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
        last = number == len(parts) - 1
        plain = is_word(raw) and _UNSPACED.search(raw) is None
        term = _term(raw, prefix=last and plain and not negative and not is_phrase)
        if term is None:
            continue
        (excluded if negative else wanted).append(term)
        if not negative and _needs_check(raw, is_phrase):
            literals.append(normalized(raw))
    if not wanted:
        return Query("")
    expression = (" OR " if any_term else " AND ").join(wanted)
    if len(wanted) > 1:
        expression = f"({expression})"
    for term in excluded:
        expression += f" NOT {term}"
    return Query(expression, () if any_term else tuple(literals))


def holds_literals(query: Query, *texts: str) -> bool:
    """True when every literal of `query` appears in one of `texts` (compared `normalized`)."""
    if not query.literals:
        return True
    haystack = normalized("\n".join(texts))
    return all(literal in haystack for literal in query.literals)


def snippet_around(text: str, literal: str, width: int = 40) -> str | None:
    """A snippet of `text` with the first place holding `literal` marked `[…]`, or None when
    it is not there as typed (accents differ: the index's own snippet is used then)."""
    at = text.lower().find(literal)
    if at < 0 or not literal:
        return None
    start, end = max(0, at - width), min(len(text), at + len(literal) + width)
    before, found, after = text[start:at], text[at:at + len(literal)], text[at + len(literal):end]
    line = " ".join(f"{'…' if start else ''}{before}[{found}]{after}{'…' if end < len(text) else ''}"
                    .split())
    return line
