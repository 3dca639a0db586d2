"""Splitting an item's Markdown body into heading-sized passages, and what the assistant may see."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from solo.core.engine.index import Row
from solo.core.model import markdown

MAX_CHUNK_CHARS = 1500
"""A section longer than this is cut at paragraph breaks."""
MERGE_BELOW_CHARS = 800
"""Consecutive short sections are kept together up to this size."""

_PRIVATE_LINE = re.compile(r"(?m)^\s*private\s*=\s*true\b")
# Front matter keys that say nothing a question would ask about.
_QUIET_FIELDS = {"title", "kind", "tags", "private", "created", "key_results"}


@dataclass(frozen=True)
class Chunk:
    """One passage of an item: its heading path and its text."""

    ordinal: int
    heading: str
    text: str


def split_body(body: str, title: str = "") -> list[Chunk]:
    """Cut a body at its headings (not inside code fences); merge tiny sections, split huge ones."""
    sections: list[tuple[list[tuple[int, str]], list[str]]] = []
    trail: list[tuple[int, str]] = []
    lines: list[str] = []
    for line in markdown.lines(body):
        heading = line.heading
        if heading is not None and heading.text:
            if any(s.strip() for s in lines) or not sections:
                sections.append((trail, lines))
            level, text = heading.level, heading.text
            trail = [(lvl, h) for lvl, h in trail if lvl < level] + [(level, text)]
            lines = []
        else:
            lines.append(line.text)
    sections.append((trail, lines))

    pieces: list[tuple[str, str]] = []
    for headings, section_lines in sections:
        text = "\n".join(section_lines).strip()
        if not text and not headings:
            continue
        # The level-1 heading is the document's own title: a path of sub-headings says more.
        label = " > ".join(h for lvl, h in headings if lvl > 1 and h != title) or (
            headings[-1][1] if headings else "")
        for part in _split_long(text):
            pieces.append((label, part))

    merged: list[tuple[str, str]] = []
    for label, text in pieces:
        if merged and len(merged[-1][1]) + len(text) < MERGE_BELOW_CHARS:
            prev_label, prev_text = merged[-1]
            if label and label != prev_label:
                text = f"{label.rsplit(' > ', 1)[-1]}:\n{text}"
                label = f"{prev_label}; {label}" if prev_label else label
            else:
                label = prev_label
            merged[-1] = (label, f"{prev_text}\n\n{text}".strip())
        else:
            merged.append((label, text))
    return [Chunk(ordinal=i, heading=h, text=t) for i, (h, t) in enumerate(merged)
            if t.strip() or h]


def _split_long(text: str) -> list[str]:
    if len(text) <= MAX_CHUNK_CHARS:
        return [text]
    parts: list[str] = []
    current = ""
    for paragraph in re.split(r"\n\s*\n", text):
        while len(paragraph) > MAX_CHUNK_CHARS:
            cut = paragraph.rfind(" ", 0, MAX_CHUNK_CHARS)
            cut = cut if cut > MAX_CHUNK_CHARS // 2 else MAX_CHUNK_CHARS
            if current:
                parts.append(current)
                current = ""
            parts.append(paragraph[:cut].strip())
            paragraph = paragraph[cut:].strip()
        if current and len(current) + len(paragraph) + 2 > MAX_CHUNK_CHARS:
            parts.append(current)
            current = ""
        current = f"{current}\n\n{paragraph}" if current else paragraph
    if current:
        parts.append(current)
    return parts


def describe_fields(row: Row) -> str:
    """The item's front matter as one readable line (kind first), for search and for the model."""
    parts = [f"{row.kind}"]
    for key, value in row.fields.items():
        if key in _QUIET_FIELDS or value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        parts.append(f"{key.replace('_', ' ')}: {value}")
    results = row.fields.get("key_results")
    if isinstance(results, list):
        for kr in results:
            if isinstance(kr, Mapping):
                parts.append(f"key result {kr.get('name')}: {kr.get('current')} of "
                             f"{kr.get('target')}")
    return "; ".join(parts)


def normalize_folders(folders: Iterable[str]) -> list[str]:
    cleaned = []
    for folder in folders:
        text = str(folder).strip().replace("\\", "/").strip("/")
        while text.startswith("./"):
            text = text[2:]
        if text:
            cleaned.append(text + "/")
    return cleaned


def is_private(row: Row, private_folders: Iterable[str], text: str | None = None) -> bool:
    """True when the item must never reach a model: marked private, in a private folder, or
    (defensively) a file whose front matter did not parse but still says `private = true`."""
    if row.private or row.fields.get("private") is True:
        return True
    path = row.path.lower()
    if any(path.startswith(folder.lower()) for folder in normalize_folders(private_folders)):
        return True
    return bool(text is not None and row.problem and _PRIVATE_LINE.search(text[:4000]))


def field_text(fields: Mapping[str, Any]) -> str:
    """Front matter values flattened to words, for the search index."""
    words: list[str] = []
    for key, value in fields.items():
        if key in ("title", "private"):
            continue
        words.append(key.replace("_", " "))
        words.append(str(value))
    return " ".join(words)
