"""Links between items: `[[wikilinks]]` in bodies, references in fields, and resolving a reference to a path."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from solo.core.model.kinds import fields_for

if TYPE_CHECKING:
    from solo.core.model.markdown import WikiLink


def find_wikilinks(body: str) -> list[WikiLink]:
    """Every wikilink in `body` outside fenced code and inline code, in order, with offsets
    (the scanner in `markdown` answers; see `markdown.wikilinks`)."""
    from solo.core.model import markdown  # (resolving a name needs no scanner)

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


def link_stem(ref: str) -> str:
    """The case-folded file stem a reference names by its last path segment:
    "[[Plugins/Canvas#h]]" → "canvas"."""
    return parse_reference(ref).target.rsplit("/", 1)[-1].casefold()


# --- resolving references like Obsidian ------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Something a reference can name: a vault file with its `aliases` and title."""

    path: str
    aliases: tuple[str, ...] = ()
    title: str = ""


@dataclass(frozen=True)
class Reference:
    """A reference split into the file part and the `#Heading` or `#^block` part."""

    target: str
    heading: str | None = None
    block: str | None = None


def parse_reference(ref: str) -> Reference:
    """`[[x#h|t]]`, `x#h`, `x#^b`, `x.md` → the target (no `.md`) and its fragment.

    A bare ref whose `#` is not followed by text (a stem such as "c#") keeps its `#`.
    """
    text = ref.strip() if isinstance(ref, str) else ""
    if text.startswith("[[") and text.endswith("]]"):
        inner = text[2:-2]
        bar = inner.find("|")
        text = (inner[:bar].removesuffix("\\") if bar >= 0 else inner).strip()
    target, sep, fragment = text.partition("#")
    heading = block = None
    if sep and fragment.strip():
        fragment = fragment.strip()
        if fragment.startswith("^"):
            block = fragment[1:]
        else:
            heading = fragment
    else:
        target = text
    target = target.strip()
    if target.lower().endswith(".md"):
        target = target[:-3]
    return Reference(target, heading, block)


def _key(path: str) -> str:
    """A path compared as Obsidian compares it: case-folded, without a Markdown extension."""
    stem, ext = posixpath.splitext(path)
    return (stem if ext.lower() in (".md", ".markdown") else path).casefold()


def name_key(path: str) -> str:
    """The file name a reference or a path is looked up by: case-folded, a note's without its
    extension ("Plugins/Canvas.md" → "canvas", "img/Photo.PNG" → "photo.png")."""
    return _key(path).rsplit("/", 1)[-1]


def _nearness(source_dir: list[str], path: str) -> tuple[int, int, int]:
    """How near `path` is to a note in `source_dir`: same folder first, then the deepest
    common ancestor, then the fewest folders."""
    folder = path.split("/")[:-1]
    common = 0
    for a, b in zip(source_dir, folder, strict=False):
        if a != b:
            break
        common += 1
    same = 0 if folder == source_dir else 1
    return (same, -common, len(folder))


def _closeness(source_dir: list[str], path: str) -> tuple[int, int, int, str]:
    """Sort key: `_nearness`, then the shortest path, then sorted order."""
    return (*_nearness(source_dir, path), f"{len(path):06d}{path}")


class Resolver:
    """Resolves references to paths by Obsidian's rules, over a fixed list of targets.

    A reference names a file by its vault path or a partial path (`Plugins/Canvas`), by its
    file name (with or without `.md`, case-insensitive; attachments by their full name; `/x`
    names the vault's top folder), by an alias (the `aliases` property) or, last, by its
    title. Several candidates of the same rule: the one nearest the linking note wins (same
    folder, then the closest common ancestor, then the fewest folders), then the shortest
    path. `./x` and `../x` are relative to the linking note. `nearest` tells a caller with
    no linking note when only length or sort order would choose.
    """

    def __init__(self, targets: Iterable[Target]) -> None:
        self._by_path: dict[str, list[str]] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_alias: dict[str, list[str]] = {}
        self._by_title: dict[str, list[str]] = {}
        for target in targets:
            key = _key(target.path)
            self._by_path.setdefault(key, []).append(target.path)
            self._by_name.setdefault(key.rsplit("/", 1)[-1], []).append(target.path)
            for alias in target.aliases:
                if isinstance(alias, str) and alias.strip():
                    self._by_alias.setdefault(alias.strip().casefold(), []).append(target.path)
            if target.title.strip():
                self._by_title.setdefault(target.title.strip().casefold(), []).append(target.path)

    def candidates(self, ref: str, source: str | None = None) -> list[str]:
        """Every path `ref` may name, best first (the first rule that matches anything)."""
        target = parse_reference(ref).target
        if not target:
            return []
        source_dir = source.split("/")[:-1] if source else []
        if target.startswith(("./", "../")) and source is not None:
            target = posixpath.normpath(posixpath.join(*source_dir, target)) if source_dir \
                else posixpath.normpath(target)
        want = _key(target.lstrip("/"))
        found = list(self._by_path.get(want, [])) if "/" in target else []
        if not found and "/" in want:
            name = want.rsplit("/", 1)[-1]
            found = [p for p in self._by_name.get(name, []) if _key(p).endswith("/" + want)]
        if not found and "/" not in want:
            found = list(self._by_name.get(want, []))
        if not found:
            found = list(self._by_alias.get(target.casefold(), []))
        if not found:
            found = list(self._by_title.get(target.casefold(), []))
        return sorted(dict.fromkeys(found), key=lambda p: _closeness(source_dir, p))

    @staticmethod
    def needle(ref: str) -> str | None:
        """Lower-case ASCII text found, ignoring ASCII case, in the path, the title or the
        JSON of the aliases of every all-ASCII target `ref` can name with no linking note;
        None when there is no such cheap filter (a non-ASCII, relative or empty reference)."""
        target = parse_reference(ref).target
        if not target or target.startswith(("./", "../")):
            return None
        want = _key(target.lstrip("/"))
        if not want or not want.isascii() or any(c in want for c in '"\\') \
                or not want.isprintable():
            return None
        return want

    def resolve(self, ref: str, source: str | None = None) -> str | None:
        """The path `ref` names when written in the note at `source`, or None."""
        found = self.candidates(ref, source)
        return found[0] if found else None

    def nearest(self, ref: str, source: str | None = None) -> list[str]:
        """The candidates tied for nearest to `source` (`candidates`' order): one path when
        the rules pick a file on their own, several when only the length of the path or
        sorted order would tell them apart (with no source: the ones in the fewest folders,
        so `notes/x.md` and `tasks/x.md` tie, while `x.md` beats `notes/x.md`)."""
        found = self.candidates(ref, source)
        if not found:
            return []
        source_dir = source.split("/")[:-1] if source else []
        best = _nearness(source_dir, found[0])
        return [p for p in found if _nearness(source_dir, p) == best]
