"""Links between items: `[[wikilinks]]` in bodies, references in fields, and resolving a reference to a path."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

from solo.core import markdown
from solo.core.markdown import WikiLink
from solo.core.model import fields_for

URL_PREFIX = "automerge:"


def find_wikilinks(body: str) -> list[WikiLink]:
    """Every wikilink in `body` outside fenced code and inline code, in order, with offsets
    (the scanner in `markdown` answers; see `markdown.wikilinks`)."""
    return markdown.wikilinks(body)


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
