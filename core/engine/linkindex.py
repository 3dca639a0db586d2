"""The link index in `.solo/links.sqlite`: every note's outgoing links and every target, for complete backlinks.

Derived data (rebuilt from the files when missing). Updated on every ingest and every
remote change through `FileMirror`: `update` replaces one note's links (found by the one
scanner, `core.markdown`) and its entry as a link target (path, `aliases`, title);
attachments are targets only (`set_target`). Links are stored as written and resolved when
asked, with `links.Resolver` (Obsidian's rules), so adding, renaming or removing a file never
leaves a stale answer. A backlinks query reads only the links whose target could name the
file (its name, an alias or its title, by an indexed key), then resolves those. With
attachments off, a link to a non-Markdown file that is there resolves to it all the same
(`set_unmirrored`): only a link to nothing is unresolved.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from solo.core.model import markdown
    from solo.core.model.links import Resolver

# The reference rules (`core.links`) are imported by the queries that resolve a link, not
# with the index: a command that resolves nothing (`solo list`) never loads them.

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    src TEXT NOT NULL, n INTEGER NOT NULL, line INTEGER NOT NULL, text TEXT NOT NULL,
    target TEXT NOT NULL, heading TEXT, block TEXT, embed INTEGER NOT NULL, style TEXT NOT NULL,
    name TEXT NOT NULL, whole TEXT NOT NULL, line_text TEXT NOT NULL,
    PRIMARY KEY (src, n)
);
CREATE INDEX IF NOT EXISTS links_name ON links(name);
CREATE INDEX IF NOT EXISTS links_whole ON links(whole);
CREATE TABLE IF NOT EXISTS targets (path TEXT PRIMARY KEY, aliases TEXT NOT NULL, title TEXT NOT NULL)
    WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Link:
    """One link as written in `src` (line counted from 1 in the file) and where it leads."""

    src: str
    line: int
    text: str  # as written: `[[Note#H|shown]]`, `![](img.png)`
    target: str
    heading: str | None
    block: str | None
    embed: bool
    style: str  # "wiki" or "md"
    line_text: str
    resolved: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"source": self.src, "line": self.line, "text": self.text, "target": self.target,
                "heading": self.heading, "block": self.block, "embed": self.embed,
                "style": self.style, "line_text": self.line_text, "path": self.resolved}


def scan_links(src: str, body: str, first_line: int = 1,
               scanned: markdown.Scanned | None = None) -> list[Link]:
    """Every wikilink, embed and local Markdown link of a body, in order (code skipped).

    `first_line` is the file line number of the body's first line (after front matter);
    `scanned` the body's scan, when the caller has one."""
    from solo.core.model import markdown  # (ingests only)

    scanned = scanned or markdown.scan(body)
    if not scanned.wikilinks and not scanned.md_links:
        return []
    lines = scanned.lines
    starts = [line.start for line in lines]
    found: list[tuple[int, Link]] = []

    def line_of(offset: int) -> tuple[int, str]:
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        return first_line + index, lines[index].text if lines else ""

    for wiki in scanned.wikilinks:
        number, text = line_of(wiki.start)
        found.append((wiki.start, Link(src, number, body[wiki.start:wiki.end], wiki.target,
                                       wiki.heading, wiki.block, wiki.embed, "wiki", text)))
    for md in scanned.md_links:
        number, text = line_of(md.start)
        fragment = md.fragment or None
        block = fragment[1:] if fragment and fragment.startswith("^") else None
        heading = fragment if fragment and block is None else None
        found.append((md.start, Link(src, number, body[md.start:md.end], md.target, heading,
                                     block, md.embed, "md", text)))
    found.sort(key=lambda pair: pair[0])
    return [link for _, link in found]


def _keys(target: str) -> tuple[str, str]:
    """(last path segment, whole target), case-folded: what a backlinks query looks up."""
    from solo.core.model.links import name_key, parse_reference

    whole = parse_reference(target).target.strip()
    return name_key(whole), whole.casefold()


class LinkIndex:
    """Connection to `.solo/links.sqlite`; safe to share between threads of one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._closed = False
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30.0,
                                   isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            self._db.executescript("DROP TABLE IF EXISTS links; DROP TABLE IF EXISTS targets;")
        self._db.executescript(_SCHEMA)
        self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self._generation = 0
        self._resolver: tuple[tuple[int, int], Resolver] | None = None
        self._unmirrored: Callable[[], Iterable[str]] = tuple

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    # --- writing ----------------------------------------------------------------------
    def update(self, src: str, body: str, *, first_line: int = 1,
               aliases: Sequence[str] = (), title: str = "") -> None:
        """Replace the links of the note at `src` and its entry as a link target."""
        found = scan_links(src, body, first_line)
        with self._lock, self._transaction():
            self._replace(src, found, aliases, title)

    def update_many(self, notes: Iterable[tuple[str, list[Link], Sequence[str], str]]) -> None:
        """`update` for many notes' (path, links `scan_links` found, aliases, title), in one
        transaction (a bulk ingest scans the links in its worker processes)."""
        with self._lock, self._transaction():
            for src, found, aliases, title in notes:
                self._replace(src, found, aliases, title)

    def _replace(self, src: str, found: list[Link], aliases: Sequence[str], title: str) -> None:
        self._db.execute("DELETE FROM links WHERE src = ?", (src,))
        self._db.executemany(
            "INSERT INTO links VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(src, n, link.line, link.text, link.target, link.heading, link.block,
              int(link.embed), link.style, *_keys(link.target), link.line_text)
             for n, link in enumerate(found)])
        self._set_target(src, aliases, title)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def set_target(self, path: str, aliases: Sequence[str] = (), title: str = "") -> None:
        """A file links can name that has no links of its own (an attachment)."""
        with self._lock:
            self._db.execute("DELETE FROM links WHERE src = ?", (path,))
            self._set_target(path, aliases, title)

    def _set_target(self, path: str, aliases: Sequence[str], title: str) -> None:
        value = (json.dumps(list(aliases)), title)
        old = self._db.execute("SELECT aliases, title FROM targets WHERE path = ?",
                               (path,)).fetchone()
        if old is None or tuple(old) != value:
            self._db.execute("INSERT OR REPLACE INTO targets VALUES (?,?,?)", (path, *value))
            self._generation += 1

    def remove(self, path: str) -> None:
        """The file at `path` is gone: its links and its target entry go."""
        with self._lock:
            self._db.execute("DELETE FROM links WHERE src = ?", (path,))
            if self._db.execute("DELETE FROM targets WHERE path = ?", (path,)).rowcount:
                self._generation += 1

    def move(self, old: str, new: str) -> None:
        """The file at `old` now lives at `new` (its links and aliases go with it)."""
        if old == new:
            return
        with self._lock:
            self.remove(new)
            self._db.execute("UPDATE links SET src = ? WHERE src = ?", (new, old))
            self._db.execute("UPDATE targets SET path = ? WHERE path = ?", (new, old))
            self._generation += 1

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM links")
            self._db.execute("DELETE FROM targets")
            self._generation += 1

    def rebuild(self, notes: Iterable[tuple[str, str, int, Sequence[str], str]],
                attachments: Iterable[str] = ()) -> None:
        """Start over from (path, body, first line, aliases, title) of every note."""
        with self._lock, self._transaction():  # one transaction: 10,000 commits cost seconds
            self.clear()
            for path, body, first_line, aliases, title in notes:
                self._replace(path, scan_links(path, body, first_line), aliases, title)
            for path in attachments:
                self.set_target(path)

    def set_unmirrored(self, files: Callable[[], Iterable[str]]) -> None:
        """Where to find, when asked, the files links may name that are not targets: the
        non-Markdown files of a vault with attachments off (they are there; Solo does not
        mirror them). A link no target resolves is looked for among them, so it is not
        reported as unresolved."""
        self._unmirrored = files

    # --- reading ----------------------------------------------------------------------
    def target_count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM targets").fetchone()[0])

    def resolver(self) -> Resolver:
        """A Resolver over every target, rebuilt only when the targets changed (here or in
        another process)."""
        from solo.core.model.links import Resolver, Target

        with self._lock:
            stamp = (self._db.execute("PRAGMA data_version").fetchone()[0], self._generation)
            if self._resolver is None or self._resolver[0] != stamp:
                rows = self._db.execute("SELECT path, aliases, title FROM targets ORDER BY path")
                self._resolver = (stamp, Resolver(
                    Target(path, tuple(json.loads(aliases)), title)
                    for path, aliases, title in rows))
            return self._resolver[1]

    def resolver_for(self, ref: str) -> Resolver:
        """A Resolver that answers `ref` (with no linking note) as `resolver()` would: that
        one when it is built and current, else one over just the targets that may match, so
        a command naming one item does not read every target (at 10,000 notes, a few ms
        instead of 50-100). The filter keeps every target holding non-ASCII text, which
        case-folding could bring to the reference."""
        from solo.core.model.links import Resolver, Target

        with self._lock:
            stamp = (self._db.execute("PRAGMA data_version").fetchone()[0], self._generation)
            if self._resolver is not None and self._resolver[0] == stamp:
                return self._resolver[1]
            needle = Resolver.needle(ref)
            if needle is None:
                return self.resolver()
            like = "%" + needle.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
            rows = self._db.execute(
                "SELECT path, aliases, title FROM targets WHERE path LIKE ?1 ESCAPE '!' "
                "OR title LIKE ?1 ESCAPE '!' OR aliases LIKE ?1 ESCAPE '!' "
                "OR instr(aliases, '\\u') OR (path || title) GLOB '*[^ -~]*' ORDER BY path",
                (like,))
            return Resolver(Target(path, tuple(json.loads(aliases)), title)
                            for path, aliases, title in rows)

    def _links(self, sql: str, args: Sequence[object]) -> list[Link]:
        with self._lock:
            found = self._db.execute(
                "SELECT src, line, text, target, heading, block, embed, style, line_text "
                f"FROM links {sql}", args).fetchall()
        return [Link(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), r[7], r[8]) for r in found]

    def resolve(self, target: str, source: str | None = None) -> str | None:
        """The path a link to `target` written in `source` names: a target by the resolver's
        rules or, for a file name with an extension, a file Solo does not mirror; or None."""
        return self._resolve_all([(target, source)])[0]

    def _resolve_all(self, refs: Sequence[tuple[str, str | None]]) -> list[str | None]:
        """`resolve` for many (target, source) pairs: the unmirrored files are walked once at
        most, and only when a name with an extension resolves to no target."""
        from solo.core.model.links import Resolver, Target, name_key

        resolver = self.resolver()
        found = [resolver.resolve(target, source) for target, source in refs]
        if any(path is None and "." in name_key(target)
               for path, (target, _) in zip(found, refs, strict=True)):
            unmirrored = Resolver(Target(path) for path in self._unmirrored())
            found = [path if path is not None else unmirrored.resolve(target, source)
                     for path, (target, source) in zip(found, refs, strict=True)]
        return found

    def _resolved(self, links: Iterable[Link]) -> list[Link]:
        links = list(links)
        paths = self._resolve_all([(link.target, link.src) for link in links])
        return [replace(link, resolved=path)
                for link, path in zip(links, paths, strict=True)]

    def outgoing(self, src: str) -> list[Link]:
        """The links written in `src`, in order, each with the path it resolves to or None."""
        return self._resolved(self._links("WHERE src = ? ORDER BY n", (src,)))

    def incoming(self, path: str) -> list[Link]:
        """Every link in the vault that resolves to `path` (a note linking itself included),
        ordered by source and line."""
        with self._lock:
            row = self._db.execute("SELECT aliases, title FROM targets WHERE path = ?",
                                   (path,)).fetchone()
        from solo.core.model.links import name_key

        names = {name_key(path)}
        wholes = {path.casefold()}
        if row is not None:
            wholes.update(a.strip().casefold() for a in json.loads(row[0]) if a.strip())
            if row[1].strip():
                wholes.add(row[1].strip().casefold())
        marks = ",".join("?" * len(names)), ",".join("?" * len(wholes))
        candidates = self._links(f"WHERE name IN ({marks[0]}) OR whole IN ({marks[1]}) "
                                 "ORDER BY src, n", [*names, *wholes])
        return [link for link in self._resolved(candidates) if link.resolved == path]

    def unresolved(self) -> list[Link]:
        """Every link that names no file, ordered by source and line.

        Whether a target names a file does not depend on the linking note (only which file
        does), except for `./` and `../` targets: each distinct target is resolved once."""
        resolver = self.resolver()
        with self._lock:
            targets = [t for (t,) in self._db.execute("SELECT DISTINCT target FROM links")]
            relative = [t for t in targets if t.startswith(("./", "../"))]
            missing = [t for t in targets if not t.startswith(("./", "../"))
                       and not resolver.candidates(t)]
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS asked (target TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM asked")
            self._db.executemany("INSERT OR IGNORE INTO asked VALUES (?)",
                                 [(t,) for t in missing + relative])
            found = self._links("WHERE target IN (SELECT target FROM asked) ORDER BY src, n", ())
            self._db.execute("DELETE FROM asked")
        return [link for link in self._resolved(found) if link.resolved is None]


def fragment_line(body: str, heading: str | None, block: str | None,
                  first_line: int = 1) -> int | None:
    """The file line of `#Heading` (case-insensitive) or `#^block` in a body, or None."""
    from solo.core.model import markdown

    if heading:
        want = " ".join(heading.split("#")[-1].split()).casefold()  # `#H1#H2`: the last
        for number, line in enumerate(markdown.lines(body)):
            if line.heading is not None and " ".join(line.heading.text.split()).casefold() == want:
                return first_line + number
    if block:
        marker = "^" + block
        for number, line in enumerate(markdown.lines(body)):
            if not line.in_code and line.text.rstrip().endswith(marker):
                return first_line + number
    return None
