"""The one Markdown scanner: code fences and spans, headings, wikilinks, local links and #tags.

Every module that asks "is this inside code?", "what are this note's headings, links or
tags?" asks here, so the answers cannot drift apart. The scanner works line by line
(`lines`), marking each line as code (inside a ``` or ~~~ fence, also one indented inside a
list) or text and giving text lines their heading; inline scanners then skip code spans.
Checkbox task lines (`- [ ] …`) are meant to be one more per-line property of `Line`.
`scan(body)` walks a body once and keeps what it found (`Scanned`), so the consumers of one
note (title, tags, links, checkbox tasks) share a single pass; the free functions below
answer one question each over a fresh scan. Offsets are `str` indexes into the body.
Nothing here raises on any input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote

_FENCE = re.compile(r"[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*(`{3,}|~{3,})")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*")
_BACKTICKS = re.compile(r"`+")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")  # Markdown lines end at \n only (not \x1e or \u2028)
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n]+?)\]\]")
_MD_LINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(<[^<>\n]*>|[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)"
                      r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_TAG = re.compile(r"(?<![^\s(,;])#(\w[\w/-]*)")


@dataclass(frozen=True)
class Heading:
    """An ATX heading (`## Text`) outside code."""

    level: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Line:
    """One line of a body (without its line ending) and what the scanner knows of it."""

    text: str
    start: int
    in_code: bool  # inside a fenced code block, fence lines included
    heading: Heading | None = None


@dataclass(frozen=True)
class WikiLink:
    """One `[[target#heading|alias]]` occurrence; `start`/`end` index the body string.

    `heading` holds the part after `#` (for `[[note#^id]]` it is None and `block` is "id").
    """

    target: str
    heading: str | None
    alias: str | None
    start: int
    end: int
    embed: bool = False  # written `![[…]]`
    block: str | None = None


@dataclass(frozen=True)
class MdLink:
    """A Markdown link or image to a local file, `[text](path.md)` / `![](img.png)`, decoded."""

    target: str
    text: str
    start: int
    end: int
    embed: bool = False
    fragment: str | None = None


@dataclass(frozen=True)
class Tag:
    """An inline `#tag` (also `#nested/tag`), without its `#`."""

    name: str
    start: int
    end: int


def lines(body: str) -> list[Line]:
    """The body's lines, each marked as code or text, text lines with their heading.

    A fence opens with three or more backticks or tildes (after any indentation or list
    markers) and closes with a run of the same character at least as long and nothing after
    it; a backtick fence whose info string holds a backtick is not a fence; an unclosed
    fence runs to the end.
    """
    out: list[Line] = []
    fence: str | None = None
    offset = 0
    for raw in _LINE.findall(body):
        text = raw.rstrip("\n").removesuffix("\r")
        opener = _FENCE.match(text)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence) \
                    and not text[opener.end():].strip():
                fence = None
            out.append(Line(text, offset, True))
        elif opener and not (opener.group(1)[0] == "`" and "`" in text[opener.end():]):
            fence = opener.group(1)
            out.append(Line(text, offset, True))
        else:
            heading = None
            match = _HEADING.fullmatch(text)
            if match:
                heading = Heading(len(match.group(1)), (match.group(2) or "").strip(), offset,
                                  offset + len(text))
            out.append(Line(text, offset, False, heading))
        offset += len(raw)
    return out


def code_spans(body: str, scanned: list[Line] | None = None) -> list[tuple[int, int]]:
    """Spans (start, end) of fenced code blocks and inline code spans, in order (`scanned`:
    the body's `lines`, when the caller has them)."""
    spans: list[tuple[int, int]] = []
    block: list[Line] = []  # lines of the current text block (a paragraph)

    def close_block() -> None:
        if block:
            start = block[0].start
            text = body[start:block[-1].start + len(block[-1].text)]
            spans.extend((start + a, start + b) for a, b in _inline_code(text))
            block.clear()

    fence_start: int | None = None
    for line in lines(body) if scanned is None else scanned:
        if line.in_code:
            close_block()
            if fence_start is None:
                fence_start = line.start
            continue
        if fence_start is not None:
            spans.append((fence_start, line.start))
            fence_start = None
        if not line.text.strip() or line.heading is not None:
            close_block()
            if line.heading is not None:
                spans.extend((line.start + a, line.start + b)
                             for a, b in _inline_code(line.text))
        else:
            block.append(line)
    close_block()
    if fence_start is not None:
        spans.append((fence_start, len(body)))
    spans.sort()
    return spans


def _inline_code(text: str) -> list[tuple[int, int]]:
    """Code spans in one text block: a run of N backticks up to the next run of exactly N."""
    spans: list[tuple[int, int]] = []
    runs = list(_BACKTICKS.finditer(text))
    index = 0
    while index < len(runs):
        opener = runs[index]
        closer = next(
            (j for j in range(index + 1, len(runs)) if len(runs[j].group()) == len(opener.group())),
            None,
        )
        if closer is None:
            index += 1  # an unmatched run is literal text
            continue
        spans.append((opener.start(), runs[closer].end()))
        index = closer + 1
    return spans


def _inside(position: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


class Scanned:
    """One body scanned once: its lines, code spans, headings, links and tags, each worked
    out the first time it is asked for, from the same line scan."""

    def __init__(self, body: str) -> None:
        self.body = body

    @cached_property
    def lines(self) -> list[Line]:
        return lines(self.body)

    @cached_property
    def code(self) -> list[tuple[int, int]]:
        return code_spans(self.body, self.lines)

    @cached_property
    def headings(self) -> list[Heading]:
        return [line.heading for line in self.lines if line.heading is not None]

    @cached_property
    def wikilinks(self) -> list[WikiLink]:
        return wikilinks(self.body, self.code) if "[[" in self.body else []

    @cached_property
    def md_links(self) -> list[MdLink]:
        return md_links(self.body, self.code) if "](" in self.body else []

    @cached_property
    def tags(self) -> list[Tag]:
        if "#" not in self.body:
            return []
        skip = self.code + [(link.start, link.end) for link in self.wikilinks] \
            + [(m.start(), m.end()) for m in _MD_LINK.finditer(self.body)]
        found: list[Tag] = []
        for match in _TAG.finditer(self.body):
            name = match.group(1).strip("/")
            if not name or name.replace("/", "").isdigit() or _inside(match.start(), skip):
                continue
            found.append(Tag(name, match.start(), match.end()))
        return found

    def first_heading(self, level: int = 1) -> str | None:
        """The text of the first non-empty heading of `level` outside code, or None."""
        return next((h.text for h in self.headings if h.level == level and h.text), None)


def scan(body: str) -> Scanned:
    """The body, to be scanned once for whatever its consumers ask."""
    return Scanned(body)


def headings(body: str) -> list[Heading]:
    """Every ATX heading outside code, in order."""
    return Scanned(body).headings


def first_heading(body: str, level: int = 1) -> str | None:
    """The text of the first non-empty heading of `level` outside code, or None."""
    return Scanned(body).first_heading(level)


def wikilinks(body: str, code: list[tuple[int, int]] | None = None) -> list[WikiLink]:
    """Every wikilink and embed outside code, in order, duplicates kept.

    `[[t]]`, `[[t|text]]`, `[[t\\|text]]` (inside a table), `[[t#Heading]]`, `[[t#^block]]`,
    `![[t]]`. Links with an empty target (`[[#heading]]`, within the same note) are skipped.
    """
    code = code_spans(body) if code is None else code
    found: list[WikiLink] = []
    for match in _WIKILINK.finditer(body):
        if _inside(match.start(), code):
            continue
        inner = match.group(2)
        alias = None
        bar = inner.find("|")
        if bar >= 0:
            inner, alias = inner[:bar], inner[bar + 1:].strip()
            inner = inner[:-1] if inner.endswith("\\") else inner
        target, _, fragment = inner.partition("#")
        target = target.strip()
        if not target:
            continue
        heading = block = None
        if _:
            fragment = fragment.strip()
            if fragment.startswith("^"):
                block = fragment[1:].strip()
            else:
                heading = fragment
        found.append(WikiLink(target, heading, alias, match.start(), match.end(),
                              bool(match.group(1)), block))
    return found


def md_links(body: str, code: list[tuple[int, int]] | None = None) -> list[MdLink]:
    """Markdown links and images to local files (no URL scheme), URL-decoded, outside code."""
    code = code_spans(body) if code is None else code
    found: list[MdLink] = []
    for match in _MD_LINK.finditer(body):
        if _inside(match.start(), code):
            continue
        dest = match.group(3)
        if dest.startswith("<"):
            dest = dest[1:-1]
        if not dest or dest.startswith("#") or _SCHEME.match(dest) or dest.startswith("//"):
            continue
        path, _, fragment = dest.partition("#")
        found.append(MdLink(unquote(path), match.group(2), match.start(), match.end(),
                            bool(match.group(1)), unquote(fragment) if _ else None))
    return found


def tags(body: str) -> list[Tag]:
    """Inline `#tags` outside code and links: letters, digits, `_`, `-`, `/`; not only digits
    (`#123`), not a heading's `#`, not a URL's `#fragment`."""
    return Scanned(body).tags


def normalize_tags(value: object) -> list[str]:
    """Front matter `tags` as a list: a list, or a string split at commas and spaces; without a
    leading `#`, case kept, duplicates (case-insensitive) dropped."""
    if isinstance(value, str):
        items: list[object] = re.split(r"[,\s]+", value)
    elif isinstance(value, list | tuple):
        items = [part for item in value
                 for part in (re.split(r"[,\s]+", item) if isinstance(item, str) else [item])]
    else:
        return []
    return _dedup(str(item).strip().lstrip("#").strip() for item in items
                  if item is not None and not isinstance(item, dict | list | bool))


def normalize_aliases(value: object) -> list[str]:
    """Front matter `aliases` as a list of non-empty strings (a string is one alias)."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else []
    return _dedup(str(item).strip() for item in items
                  if isinstance(item, str | int | float) and not isinstance(item, bool))


def item_tags(meta_tags: object, body: str | Scanned) -> list[str]:
    """An item's tags: front matter `tags` first, then body `#tags`, deduplicated."""
    scanned = body if isinstance(body, Scanned) else Scanned(body)
    return _dedup([*normalize_tags(meta_tags), *(tag.name for tag in scanned.tags)])


def _dedup(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out
