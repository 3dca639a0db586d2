"""Links between items: `[[wikilinks]]` in bodies, references in fields, and resolving a reference to a path."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from solo.core.model import fields_for

_WIKILINK = re.compile(
    r"!?\[\[(?P<target>[^\[\]\n|#]*)(?:#(?P<heading>[^\[\]\n|]*))?(?:\|(?P<alias>[^\[\]\n]*))?\]\]"
)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BACKTICKS = re.compile(r"`+")
URL_PREFIX = "automerge:"


@dataclass(frozen=True)
class WikiLink:
    """One `[[target#heading|alias]]` occurrence; `start`/`end` index the body string."""

    target: str
    heading: str | None
    alias: str | None
    start: int
    end: int
    embed: bool = False  # written `![[…]]`


def _code_mask(body: str) -> list[tuple[int, int]]:
    """Spans (start, end) of fenced code blocks and inline code spans in `body`."""
    spans: list[tuple[int, int]] = []
    fence: str | None = None
    fence_start = 0
    paragraph: list[tuple[int, str]] = []  # lines (offset, text) of the current text block

    def close_paragraph() -> None:
        if paragraph:
            start = paragraph[0][0]
            text = "".join(line for _, line in paragraph)
            spans.extend((start + a, start + b) for a, b in _inline_code(text))
            paragraph.clear()

    offset = 0
    for line in body.splitlines(keepends=True):
        opener = _FENCE.match(line)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence) \
                    and not line[opener.end():].strip():
                spans.append((fence_start, offset + len(line)))
                fence = None
        elif opener and not (opener.group(1)[0] == "`" and "`" in line[opener.end():]):
            close_paragraph()
            fence, fence_start = opener.group(1), offset
        elif not line.strip():
            close_paragraph()
        else:
            paragraph.append((offset, line))
        offset += len(line)
    close_paragraph()
    if fence is not None:  # an unclosed fence runs to the end of the document
        spans.append((fence_start, len(body)))
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


def find_wikilinks(body: str) -> list[WikiLink]:
    """Every wikilink in `body` outside fenced code and inline code, in order, with offsets.

    Links with an empty target (`[[#heading]]`, a link within the same note) are skipped.
    Indented code blocks are not recognised (too easily confused with nested lists).
    """
    mask = _code_mask(body)
    links: list[WikiLink] = []
    for match in _WIKILINK.finditer(body):
        if any(start <= match.start() < end for start, end in mask):
            continue
        target = match.group("target").strip()
        if not target:
            continue
        heading, alias = match.group("heading"), match.group("alias")
        links.append(WikiLink(
            target=target,
            heading=heading.strip() if heading is not None else None,
            alias=alias.strip() if alias is not None else None,
            start=match.start(),
            end=match.end(),
            embed=match.group().startswith("!"),
        ))
    return links


def wikilinks(body: str) -> list[str]:
    """The distinct link targets in `body`, in order of first appearance.

    `[[target]]`, `[[target|alias]]`, `[[target#heading]]` and embeds `![[target]]` all give
    "target"; links inside fenced code blocks or inline code do not count.
    """
    return list(dict.fromkeys(link.target for link in find_wikilinks(body)))


def field_refs(kind: str, fields: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The references held in an item's fields as (field name, ref) pairs, in schema order.

    Covers every field of type "ref" or "refs" for `kind` (goal, skills, project, task);
    values of the wrong type are skipped.
    """
    refs: list[tuple[str, str]] = []
    for spec in fields_for(kind):
        value = fields.get(spec.name)
        if spec.type == "ref" and isinstance(value, str) and value.strip():
            refs.append((spec.name, value.strip()))
        elif spec.type == "refs" and isinstance(value, list):
            refs.extend((spec.name, item.strip()) for item in value
                        if isinstance(item, str) and item.strip())
    return refs


def stem_of(path: str) -> str:
    """The file stem of a vault-relative path: "goals/Cloud-Architect.md" → "Cloud-Architect"."""
    return posixpath.splitext(posixpath.basename(path))[0]


def build_stem_index(paths: Iterable[str]) -> dict[str, list[str]]:
    """Map each case-folded file stem to its paths, sorted: the `by_stem` of `resolve_ref`."""
    index: dict[str, list[str]] = {}
    for path in paths:
        index.setdefault(stem_of(path).casefold(), []).append(path)
    for candidates in index.values():
        candidates.sort()
    return index


def normalize_ref(ref: str) -> str:
    """A reference without surrounding spaces or a ".md" end; a `[[wikilink]]` loses its
    brackets, `#heading` and `|alias` (a bare ref keeps "#": a stem may be "c#").
    """
    text = ref.strip()
    if text.startswith("[[") and text.endswith("]]"):
        text = text[2:-2].split("|", 1)[0].split("#", 1)[0].strip()
    if text.lower().endswith(".md"):
        text = text[:-3]
    return text


def resolve_all(ref: str, by_id: Mapping[str, str], by_stem: Mapping[str, list[str]]) -> list[str]:
    """Every path `ref` may name, best first; see `resolve_ref`."""
    text = normalize_ref(ref) if isinstance(ref, str) else ""
    if not text:
        return []
    for key in (text, text.removeprefix(URL_PREFIX)):
        if key in by_id:
            return [by_id[key]]
    stem = text.rsplit("/", 1)[-1]
    candidates = by_stem.get(stem.casefold()) or by_stem.get(stem) or []
    if "/" in text:  # a path-like ref ("goals/cloud") narrows the stem's candidates
        wanted = text.casefold()
        candidates = [p for p in candidates if posixpath.splitext(p)[0].casefold() == wanted]
    return sorted(candidates)


def resolve_ref(ref: str, by_id: Mapping[str, str], by_stem: Mapping[str, list[str]]) -> str | None:
    """The path a reference names, or None.

    `by_id` maps item ids to paths; `by_stem` maps case-folded file stems to paths (build it
    with `build_stem_index`). The ref may be an id (also as an `automerge:` URL), a file stem
    matched case-insensitively, a vault path without ".md", or a `[[wikilink]]`. An id wins
    over a stem. An ambiguous stem resolves to the first of its paths in sorted order
    (`resolve_all` lists them all so a caller can warn).
    """
    candidates = resolve_all(ref, by_id, by_stem)
    return candidates[0] if candidates else None
