"""The vault's link queries (`vault.links`): outgoing, backlinks, unresolved, link targets."""

from __future__ import annotations

from collections.abc import Iterable

from solo.core.engine.attachments import KIND as ATTACHMENT
from solo.core.engine.files import VaultFiles
from solo.core.engine.index import Index, Row
from solo.core.engine.items import Items
from solo.core.engine.linkindex import Link, LinkIndex, fragment_line
from solo.core.engine.lock import VaultLock
from solo.core.errors import VaultError
from solo.core.model import fileformat


class VaultLinks:
    """Links by item reference, over the link index (`FileMirror.links`) the mirror keeps."""

    def __init__(self, link_index: LinkIndex, index: Index, files: VaultFiles, lock: VaultLock,
                 items: Items) -> None:
        self.link_index = link_index
        self.index = index
        self.files = files
        self.lock = lock
        self.items = items

    def _row(self, ref: str | Row) -> Row:
        return ref if isinstance(ref, Row) else self.items.resolve(ref)

    def outgoing(self, ref: str | Row) -> list[Link]:
        """The item's outgoing links in order, each with the path it resolves to or None."""
        return self.link_index.outgoing(self._row(ref).path)

    def backlinks(self, ref: str | Row) -> list[Link]:
        """Every link in the vault that resolves to the item (or attachment), with its line."""
        return self.link_index.incoming(self._row(ref).path)

    def unresolved(self) -> list[Link]:
        """Every link that names no file in the vault (for `doctor` and the TUI)."""
        return self.link_index.unresolved()

    def target(self, ref: str, source: str | None = None) -> tuple[str, int | None] | None:
        """Where a link written in `source` leads: (path, file line of its `#Heading` or
        `#^block`, None without one or when it is not found), or None when unresolved."""
        path = self.link_index.resolve(ref, source)
        if path is None:
            return None
        from solo.core.model.links import parse_reference

        reference = parse_reference(ref)
        if not (reference.heading or reference.block):
            return path, None
        try:
            item = self.items.read(path)
        except VaultError:
            return path, None
        return path, fragment_line(item.body, reference.heading, reference.block,
                                   item.head.count("\n") + 1)

    def rebuild(self) -> None:
        """Rebuild `.solo/links.sqlite` from the files the index lists."""
        from solo.core.model import markdown
        def notes() -> Iterable[tuple[str, str, int, list[str], str]]:
            for row in self.index.rows():
                if row.kind == ATTACHMENT:
                    continue
                try:
                    parsed = fileformat.split(self.files.read(row.path).decode("utf-8"))
                except (OSError, UnicodeDecodeError):
                    continue
                yield (row.path, parsed.body, parsed.head.count("\n") + 1,
                       markdown.normalize_aliases(row.fields.get("aliases")), row.title)

        with self.lock:
            self.link_index.rebuild(notes(), [r.path for r in self.index.rows(ATTACHMENT)])
