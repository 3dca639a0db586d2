"""The item API the UIs use: resolve a reference, read an item, create, update, complete, delete.

Items are files; every write goes through the mirror's `write_text` (atomic write, then
ingest), so Solo's own edits take the same path as any editor's. Callers need not hold the
vault lock: each operation takes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from solo.core import clock
from solo.core.engine.events import ORIGIN_LOCAL
from solo.core.engine.index import Index, Row, short_id
from solo.core.engine.journal import ActionJournal
from solo.core.engine.linetasks import ID_LENGTH, is_line_task
from solo.core.engine.lock import VaultLock
from solo.core.engine.mirror import FileMirror
from solo.core.errors import VaultError
from solo.core.model import completion, fileformat, naming, refs
from solo.core.model import kinds as model

if TYPE_CHECKING:
    from solo.core.engine import lineedit


@dataclass(frozen=True)
class Item:
    """One vault item with its body, as read from the file."""

    row: Row
    body: str
    head: str

    @property
    def id(self) -> str:
        return self.row.short_id

    @property
    def path(self) -> str:
        return self.row.path

    @property
    def kind(self) -> str:
        return self.row.kind

    @property
    def title(self) -> str:
        return self.row.title

    @property
    def fields(self) -> dict[str, Any]:
        return self.row.fields


class BodyChanged(VaultError):
    """The file's body is not the text the caller expected (changed elsewhere); nothing written."""

    def __init__(self, item: Item) -> None:
        super().__init__(f"{item.path}: changed on disk since it was read; not written")
        self.item = item


class Items:
    """Item operations over a mirror and its index."""

    def __init__(self, mirror: FileMirror, index: Index, lock: VaultLock,
                 journal: ActionJournal | None = None) -> None:
        self.mirror = mirror
        self.index = index
        self.lock = lock
        self.journal = journal  # what `solo undo` reverts (None: not recorded)

    def heads(self, doc_id: str | None) -> list[bytes]:
        """The current heads of an item's document (none for an unknown one)."""
        return self.mirror.repo.load(doc_id).heads() if doc_id and self.mirror.repo.exists(doc_id) \
            else []

    def _record(self, action: str, row: Row, before: list[bytes], after: list[bytes]) -> None:
        if self.journal is not None and row.doc_id:
            self.journal.record(action, row.doc_id, row.path, row.title, before, after)

    def resolve(self, ref: str) -> Row:
        """An item by vault-relative path, checkbox task id or unique id prefix, else by
        what a `[[link]]` to it would say: a partial path, its file name (case-insensitive,
        `.md` optional), an alias or its title, by the link index's `Resolver`.

        A name several files share resolves only when one of them sits in fewer folders
        than the others (what Obsidian's shortest-path rule picks with no linking note:
        `x.md` over `notes/x.md`); files tied for that (`notes/x.md`, `tasks/x.md`) raise a
        VaultError that lists them, so a command never acts on a file picked by sort order."""
        ref = ref.strip()
        if not ref:
            raise VaultError("empty item reference")
        row = self.index.by_path(ref) or self.index.by_path(ref + ".md")
        if row:
            return row
        if len(ref) == ID_LENGTH and ref.isalnum():
            line_task = self.mirror.line_tasks.get(ref, self.mirror.read_small)
            if line_task is not None:
                return line_task
        if len(ref) >= 4:  # the common case, answered by the index alone
            matches = self.index.by_prefix(ref)
            if len(matches) == 1:
                return matches[0]
        named = self._by_name(ref)
        if named is not None:
            return named
        if len(ref) >= refs.MIN_PREFIX:
            try:
                doc_id = refs.resolve_prefix(ref, self.index.doc_ids())
            except refs.PrefixError as exc:
                if exc.candidates:
                    listing = ", ".join(
                        f"{short_id(c)} {row.path}" if (row := self.index.by_doc(c)) else c
                        for c in exc.candidates)
                    raise VaultError(f"id {ref!r} is ambiguous: {listing}") from None
            else:
                row = self.index.by_doc(doc_id)
                if row:
                    return row
        raise VaultError(f"no item {ref!r} (use an id from `solo list`, a path, a file name, "
                         "an alias or a title)")

    def _by_name(self, ref: str) -> Row | None:
        """The item `ref` names as a link would, None when it names none (see `resolve`)."""
        resolver = self.mirror.links.resolver_for(ref)
        nearest = resolver.nearest(ref)
        if len(nearest) > 1:
            found = resolver.candidates(ref)
            shown = found[:refs.MAX_CANDIDATES]
            listing = ", ".join(f"{row.short_id} {path}" if (row := self.index.by_path(path))
                                else path for path in shown)
            more = f" and {len(found) - len(shown)} more" if len(found) > len(shown) else ""
            raise VaultError(f"{ref!r} names several files: {listing}{more} "
                             "(use a path or an id)")
        return self.index.by_path(nearest[0]) if nearest else None

    def line_tasks(self, note: str | None = None) -> list[Row]:
        """Every checkbox task inside the vault's notes (see `core.linetasks`)."""
        return self.mirror.line_tasks.rows(self.mirror.read_small, note=note)

    def read(self, ref: str | Row) -> Item:
        """An item and its body; a checkbox task's body is its line."""
        row = ref if isinstance(ref, Row) else self.resolve(ref)
        if is_line_task(row):
            return Item(row=row, body=str(row.fields.get("text", "")), head="")
        try:
            text = self.mirror.files.read(row.path).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise VaultError(f"{row.path}: cannot read: {exc}") from None
        parsed = fileformat.split(text)
        return Item(row=row, body=parsed.body, head=parsed.head)

    def create(self, kind: str, title: str, fields: Mapping[str, Any] | None = None,
               body: str = "", folder: str | None = None, *,
               front_matter: str = "toml") -> Item:
        """A new item file in its kind's folder, named after its title, its front matter
        written as TOML (`+++`) or, with `front_matter="yaml"`, YAML (`---`)."""
        if kind not in model.KINDS:
            raise VaultError(f"unknown kind {kind!r} (one of {', '.join(model.KINDS)})")
        if not title.strip():
            raise VaultError(f"title: a {kind} needs a title (it names the file)")
        values: dict[str, Any] = {"kind": kind, "title": title}
        values.update(fields or {})
        values.setdefault("created", clock.today())
        problems = model.validate(kind, values)
        if problems:
            raise VaultError("; ".join(f"{p.field}: {p.message}" for p in problems))
        folder = folder or model.DEFAULT_FOLDERS[kind]
        with self.lock:
            rel = naming.unique_path(folder, naming.slugify(title), self.mirror.files.exists)
            head = fileformat.with_fields("", values, style=front_matter)
            if body and not body.endswith("\n"):
                body += "\n"
            self.mirror.write_text(rel, head + body, ORIGIN_LOCAL)
            row = self.index.by_path(rel)
            if row is None:
                raise VaultError(f"{rel}: written but not indexed")
            item = Item(row=row, body=body, head=head)
            self._record("add", item.row, [], self.heads(item.row.doc_id))
            return item

    def update(self, ref: str | Row, set_fields: Mapping[str, Any] | None = None,
               unset: Iterable[str] = (), body: str | None = None, *,
               action: str | None = "modify", expect_body: str | None = None) -> Item:
        """Change front matter keys and/or the body, keeping every other byte of the file
        (journalled as `action` for `solo undo`; None: not journalled). The file is read
        once and written at most once. With `expect_body`, nothing is written unless the
        file's body is still that text: `BodyChanged` carries the item as it is instead."""
        with self.lock:
            row = ref if isinstance(ref, Row) else self.resolve(ref)
            if is_line_task(row):
                from solo.core.engine import lineedit  # (checkbox tasks only)

                if body is not None or unset and set(unset) - set(lineedit.EDITABLE):
                    raise VaultError(f"{row.path}:{row.fields['line']}: a checkbox task is one "
                                     "line of its note; edit the note to change more")
                changes: dict[str, Any] = {**dict(set_fields or {}), **dict.fromkeys(unset)}
                return self._edit_line(row, lambda text: lineedit.update(
                    text, row.fields["note"], row.short_id, row.fields.get("text"), changes))[0]
            item = self._fresh(row)
            if expect_body is not None and item.body != expect_body:
                raise BodyChanged(item)
            return self._rewrite(item, set_fields, unset, body, action)

    def _fresh(self, row: Row) -> Item:
        """The item as its file is now, read once; an edit on disk not ingested yet is
        ingested first, so the document's history keeps it."""
        try:
            st = self.mirror.files.lstat(row.path)
            data = self.mirror.files.read(row.path)
        except OSError as exc:
            self.mirror.ingest_file(row.path)  # a vanished file leaves the index
            raise VaultError(f"{row.path}: cannot read: {exc}") from None
        self.mirror.ingest_file(row.path, data, st)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise VaultError(f"{row.path}: cannot read: {exc}") from None
        parsed = fileformat.split(text)
        return Item(row=self.index.by_path(row.path) or row, body=parsed.body, head=parsed.head)

    def _rewrite(self, item: Item, set_fields: Mapping[str, Any] | None, unset: Iterable[str],
                 body: str | None, action: str | None) -> Item:
        """Write `item` (as just read) with these changes; the item as written, not read back."""
        before = self.heads(item.row.doc_id)
        head = item.head
        if set_fields or unset:
            head = fileformat.with_fields(item.head, dict(set_fields or {}), unset)
        new_text = head + (item.body if body is None else body)
        updated = item
        if new_text != item.head + item.body:
            self.mirror.write_text(item.path, new_text, ORIGIN_LOCAL)
            parsed = fileformat.split(new_text)
            updated = Item(row=self.index.by_path(item.path) or item.row, body=parsed.body,
                           head=parsed.head)
        if action is not None:
            self._record(action, updated.row, before, self.heads(updated.row.doc_id))
        return updated

    def complete(self, ref: str | Row, today: dt.date | None = None, *,
                 force: bool = False) -> tuple[Item, Item | None]:
        """Finish a task once. Returns the item and, for a repeating task, the same item at
        its next occurrence (one file per repeating task: dates move, completions are kept,
        ticked boxes in its body are cleared). Refuses a task already done, or cancelled
        unless `force`, without writing anything."""
        today = today or clock.today()
        with self.lock:
            row = ref if isinstance(ref, Row) else self.resolve(ref)
            if is_line_task(row):
                from solo.core.engine import lineedit  # (checkbox tasks only)

                return self._edit_line(row, lambda text: lineedit.complete(
                    text, row.fields["note"], row.short_id, row.fields.get("text"), today,
                    force=force))
            if row.kind != "task":
                raise VaultError(f"{row.path} is a {row.kind}, not a task")
            item = self._fresh(row)
            fields = fileformat.split(item.head + item.body).fields
            try:
                finished = completion.complete_task(fields, today, force=force)
            except ValueError as exc:
                raise VaultError(f"{row.path}: {exc}") from None
            changes = {k: v for k, v in finished.fields.items() if fields.get(k) != v}
            removed = [k for k in fields if k not in finished.fields]
            body = completion.reset_checkboxes(item.body) if finished.repeats else None
            updated = self._rewrite(item, changes, removed, body, "done")
            return updated, updated if finished.repeats else None

    def _edit_line(self, row: Row, edit: Callable[[str], lineedit.Edited]
                   ) -> tuple[Item, Item | None]:
        """Apply one line edit to the note as it is now, through the normal write path;
        the task as written (and its next occurrence). Refuses with one line, writing
        nothing, when the line changed meanwhile or the edit does not apply."""
        where = f"{row.path}:{row.fields.get('line')}"
        self.mirror.ingest_file(row.path)
        try:
            text = self.mirror.files.read(row.path).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise VaultError(f"{row.path}: cannot read: {exc}") from None
        try:
            edited = edit(text)
        except ValueError as exc:  # CompletionRefused and LineChanged too
            raise VaultError(f"{where}: {row.title}: {exc}") from None
        if edited.text != text:
            self.mirror.write_text(row.path, edited.text, ORIGIN_LOCAL)
        by_line = {r.fields.get("line"): r for r in self.line_tasks(row.fields["note"])}
        done = by_line.get(edited.line)
        if done is None:
            raise VaultError(f"{where}: the task was written but is not found again")
        following = by_line.get(edited.next_line) if edited.next_line else None
        return self.read(done), self.read(following) if following else None

    def delete(self, ref: str | Row) -> Row:
        with self.lock:
            row = ref if isinstance(ref, Row) else self.resolve(ref)
            if is_line_task(row):
                raise VaultError(f"{row.path}:{row.fields.get('line')}: a checkbox task is a "
                                 "line of its note; delete it in the note")
            self.mirror.ingest_file(row.path)  # an edit not ingested yet is kept in history
            row = self.index.by_path(row.path) or row
            heads = self.heads(row.doc_id)
            try:
                self.mirror.files.unlink(row.path)
            except FileNotFoundError:
                pass
            self.mirror.remove(row.path)
            self._record("delete", row, heads, heads)
        self.mirror.notify([row.path], ORIGIN_LOCAL)
        return row

    def write_file(self, rel: str, text: str) -> None:
        """Atomically write a file and ingest it (the same path as any editor's edit)."""
        with self.lock:
            self.mirror.write_text(rel, text)
