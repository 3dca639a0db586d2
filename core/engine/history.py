"""Undo, log and restore from the CRDT history: every revert is a new change, never a rewind.

`undo` takes the newest action of this device's journal (`core/engine/journal.py`) and puts back
what that action changed, field by field, as a new change made through the file (so it
syncs like any edit): a field another device or an editor changed since is kept as it is
now, and the body's revert is merged into the current text (`textmerge.merge3`), so no
concurrent edit is lost. An undone add becomes a delete (restorable), an undone delete a
restore. `log` lists an item's changes (who, when if this device's journal knows, which
fields). `restore` brings back a deleted item (its root-index entry is a tombstone that
keeps the document) or an earlier version as a new change. Callers need not hold the lock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from solo.core import clock
from solo.core.engine import crdt
from solo.core.engine.crdt import CrdtError, Doc
from solo.core.engine.docform import BadDocument, render_content, render_doc
from solo.core.engine.events import ORIGIN_LOCAL
from solo.core.engine.index import Row, short_id
from solo.core.engine.journal import Action
from solo.core.engine.store import StoreError
from solo.core.errors import SoloError
from solo.core.model import dates, fileformat, naming, textmerge

if TYPE_CHECKING:
    from solo.core.vault import Vault

VERBS = {"add": "adding", "modify": "the change to", "done": "finishing", "delete": "deleting",
         "restore": "restoring", "undelete": "restoring"}


class HistoryError(SoloError):
    """Nothing to undo, an item without history, or a version that does not exist."""


def _parsed(doc: Doc, heads: list[bytes] | None = None, *,
            check: bool = True) -> fileformat.Parsed:
    """The file a document renders to (at `heads`, when given) as head, fields and body."""
    try:
        if heads is None:
            return fileformat.split(render_doc(doc))
        return fileformat.split(render_content(crdt.content_at(doc, heads, check=check)))
    except BadDocument as exc:
        raise HistoryError(f"that version cannot be read: {exc}") from None


def _same(a: Any, b: Any) -> bool:
    return fileformat.same_value(fileformat.to_json(a), fileformat.to_json(b))


def changed_fields(old: fileformat.Parsed, new: fileformat.Parsed) -> list[str]:
    """The front matter keys (and `body`) that differ between two versions of a file."""
    keys = [k for k in dict.fromkeys([*old.fields, *new.fields])
            if not _same(old.fields.get(k, None), new.fields.get(k, None))
            or (k in old.fields) != (k in new.fields)]
    if old.body != new.body:
        keys.append("body")
    if not keys and old.head != new.head:
        keys.append("front matter layout")
    return keys


# --- undo ----------------------------------------------------------------------------------
@dataclass
class Undone:
    """What one `undo` did: the action, the fields put back and those kept as they are."""

    action: Action
    message: str
    restored: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def undo(vault: Vault) -> Undone:
    """Revert the newest action of this device's journal as a new change."""
    with vault.lock:
        action = vault.journal.last_active()
        if action is None:
            raise HistoryError("nothing to undo (no change made through Solo on this device)")
        if not vault.repo.exists(action.doc_id):
            vault.journal.mark(action.number, "skipped", "document missing")
            raise HistoryError(f"cannot undo {VERBS[action.action]} {action.path}: its document "
                               "is not in the store; passed over")
        heads = vault.items.heads(action.doc_id)
        if action.action in ("add", "undelete"):
            result = _undo_add(vault, action)
        elif action.action == "delete":
            result = _undo_delete(vault, action)
        else:
            result = _undo_edit(vault, action)
        after = vault.items.heads(action.doc_id)
        vault.journal.mark(action.number, "undone", result.message, action.doc_id,
                           after if sorted(after) != sorted(heads) else None)
        return result


def _live_row(vault: Vault, action: Action) -> Row | None:
    entry = vault.repo.root_entry(action.doc_id) or {}
    if entry.get("deleted") is True:
        return None
    row = vault.index.by_doc(action.doc_id)
    if row is not None:
        vault.mirror.ingest_file(row.path)  # an editor's edit not ingested yet counts as "since"
        row = vault.index.by_doc(action.doc_id)
    return row


def _undo_edit(vault: Vault, action: Action) -> Undone:
    row = _live_row(vault, action)
    if row is None:
        raise HistoryError(f"{action.path} was deleted since {VERBS[action.action]} it; "
                           f"`solo restore {action.path}` first, then undo again")
    doc = vault.repo.load(action.doc_id)
    before = _parsed(doc, action.heads_before())
    after = _parsed(doc, action.heads_after())
    current = _parsed(doc)
    changes: dict[str, Any] = {}
    removed: list[str] = []
    restored: list[str] = []
    kept: list[str] = []
    for key in changed_fields(before, after):
        if key in ("body", "front matter layout"):
            continue
        now, then = current.fields.get(key), after.fields.get(key)
        if (key in current.fields) != (key in after.fields) or not _same(now, then):
            kept.append(key)  # changed again since (another device, an editor): theirs stays
            continue
        restored.append(key)
        if key in before.fields:
            changes[key] = before.fields[key]
        else:
            removed.append(key)
    body = current.body
    if before.body != after.body:
        body, _ = textmerge.merge3(after.body, current.body, before.body)
        restored.append("body")
    head = fileformat.with_fields(current.head, changes, removed) if changes or removed \
        else current.head
    text = head + body
    if text != current.text:
        vault.mirror.write_text(row.path, text, ORIGIN_LOCAL)
    what = ", ".join(restored) or "nothing left to put back"
    message = f"Undid {VERBS[action.action]} {row.title!r} ({row.path}): {what}"
    if kept:
        message += f"; kept {', '.join(kept)} (changed since)"
    return Undone(action, message, restored, kept)


def _undo_add(vault: Vault, action: Action) -> Undone:
    row = _live_row(vault, action)
    verb = VERBS[action.action]
    if row is None:
        return Undone(action, f"Undid {verb} {action.title!r}: it was already deleted")
    doc = vault.repo.load(action.doc_id)
    if _parsed(doc).text != _parsed(doc, action.heads_after()).text:
        vault.journal.mark(action.number, "skipped", "changed since")
        raise HistoryError(f"not undone: {row.path} changed since {verb} it (delete it with "
                           "`solo delete` if you meant to); the next undo goes further back")
    try:
        vault.files.unlink(row.path)
    except FileNotFoundError:
        pass
    vault.mirror.remove(row.path)
    vault.mirror.notify([row.path], ORIGIN_LOCAL)
    return Undone(action, f"Undid {verb} {row.title!r}: deleted {row.path} "
                  f"(`solo restore {short_id(action.doc_id)}` brings it back)")


def _undo_delete(vault: Vault, action: Action) -> Undone:
    entry = vault.repo.root_entry(action.doc_id) or {}
    if entry.get("deleted") is not True:
        return Undone(action, f"Undid deleting {action.title!r}: it is back already "
                      f"({entry.get('path', action.path)})")
    rel = _bring_back(vault, action.doc_id, None)
    return Undone(action, f"Undid deleting {action.title!r}: restored {rel}")


# --- restore -------------------------------------------------------------------------------
def _free_path(vault: Vault, wanted: str) -> str:
    if not vault.files.exists(wanted) and vault.index.by_path(wanted) is None:
        return wanted
    path = PurePosixPath(wanted)
    folder = "" if str(path.parent) == "." else str(path.parent)
    return naming.unique_path(folder, path.stem, lambda p: vault.files.exists(p)
                              or vault.index.by_path(p) is not None)


def _bring_back(vault: Vault, doc_id: str, heads: list[bytes] | None) -> str:
    """Write a deleted document (or its version at `heads`) back to its path (or a free one
    beside it) and clear its tombstone; the same document keeps its identity."""
    entry = vault.repo.root_entry(doc_id) or {}
    doc = vault.repo.load(doc_id)
    text = _parsed(doc, heads).text
    rel = _free_path(vault, str(entry.get("path") or f"notes/{short_id(doc_id)}.md"))
    vault.repo.set_root_entry(doc_id, origin=ORIGIN_LOCAL, path=rel, deleted=False)
    vault.mirror.write_text(rel, text, ORIGIN_LOCAL)
    return rel


@dataclass(frozen=True)
class Found:
    """An item by reference, live or deleted: its document, path and title."""

    doc_id: str
    path: str
    title: str
    deleted: bool


def find(vault: Vault, ref: str) -> Found:
    """A live item (as `resolve` finds it) or a deleted one: by path, file name or id prefix."""
    try:
        row = vault.resolve(ref)
    except SoloError:
        row = None
    if row is not None and row.doc_id:
        return Found(row.doc_id, row.path, row.title, False)
    wanted = ref.strip().lower().removesuffix(".md")
    matches: list[tuple[str, dict[str, Any]]] = []
    for doc_id, entry in vault.repo.root_entries().items():
        if entry.get("deleted") is not True:
            continue
        path = str(entry.get("path", ""))
        if wanted in (path.lower().removesuffix(".md"), PurePosixPath(path).stem.lower()) \
                or (len(wanted) >= 2 and doc_id.lower().startswith(wanted)):
            matches.append((doc_id, entry))
    live = [m for m in matches if vault.repo.exists(m[0])]
    if not live:
        raise HistoryError(f"no item or deleted item {ref!r}")
    if len(live) > 1:
        listing = ", ".join(f"{short_id(d)} {e.get('path', '')}" for d, e in live)
        raise HistoryError(f"{ref!r} names several deleted items: {listing}; restore one by id")
    doc_id, entry = live[0]
    try:
        title = _parsed(vault.repo.load(doc_id)).fields.get("title") or \
            PurePosixPath(str(entry.get("path", ""))).stem
    except (HistoryError, StoreError, CrdtError):
        title = PurePosixPath(str(entry.get("path", ""))).stem
    return Found(doc_id, str(entry.get("path", "")), str(title), True)


def restore(vault: Vault, ref: str, at: str | None = None) -> tuple[Found, str]:
    """Bring back a deleted item, or (with `at`) an item's earlier version: the item as it
    is now (its path may differ, when the old one was taken) and a message."""
    with vault.lock:
        found = find(vault, ref)
        doc = vault.repo.load(found.doc_id)
        heads = version_heads(vault, found.doc_id, doc, at) if at else None
        before = doc.heads()
        if found.deleted:
            rel = _bring_back(vault, found.doc_id, heads)
            title = found.title
        else:
            if heads is None:
                raise HistoryError(f"{found.path} is not deleted; pass --at (a change number "
                                   "from `solo log`, or a time) to bring back an earlier version")
            vault.mirror.ingest_file(found.path)
            rel = found.path
            text = _parsed(doc, heads).text
            current = vault.files.read(rel).decode("utf-8")
            if text != current:
                vault.mirror.write_text(rel, text, ORIGIN_LOCAL)
            title = found.title
        vault.journal.record("undelete" if found.deleted else "restore", found.doc_id, rel,
                             title, before,
                             vault.items.heads(found.doc_id))
        which = f" as of {at}" if at else ""
        return Found(found.doc_id, rel, title, False), f"Restored {title!r}{which}: {rel}"


_HEX = re.compile(r"[0-9a-f]{6,64}")


def version_heads(vault: Vault, doc_id: str, doc: Doc, at: str) -> list[bytes]:
    """The heads `at` names: a change number or hash prefix from `solo log`, or a time
    (the newest version this device's journal knows at or before it)."""
    changes = crdt.history(doc)
    text = at.strip().lower()
    if text.isdigit() and 1 <= int(text) <= len(changes):
        return [changes[int(text) - 1].hash]
    if _HEX.fullmatch(text):
        hits = [c for c in changes if c.hash.hex().startswith(text)]
        if len(hits) == 1:
            return [hits[0].hash]
    try:
        when = dates.parse_when(text, clock.today())
    except ValueError:
        raise HistoryError(f"--at {at!r}: not a change number (1–{len(changes)}), change hash "
                           "or time") from None
    moment = when if isinstance(when, dt.datetime) else \
        dt.datetime.combine(when, dt.time(23, 59, 59))
    known = [a for a in vault.journal.actions() if a.doc_id == doc_id
             and dt.datetime.fromisoformat(a.at) <= moment and doc.contains(a.heads_after())]
    if not known:
        raise HistoryError(f"--at {at!r}: this device recorded no version of it by then; "
                           "use a change number from `solo log`")
    return known[-1].heads_after()


# --- log -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogEntry:
    """One change of an item: number, hash, who, when (if known), what, which fields."""

    number: int
    hash: str
    actor: str
    device: str
    at: str | None
    action: str | None
    fields: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"n": self.number, "change": self.hash, "actor": self.actor,
                "device": self.device, "at": self.at, "action": self.action,
                "fields": self.fields}


def log(vault: Vault, ref: str) -> tuple[Found, list[LogEntry]]:
    """An item's history, oldest change first."""
    found = find(vault, ref)
    doc = vault.repo.load(found.doc_id)
    journal = vault.journal.times(found.doc_id)
    mine = vault.actor.hex()
    out = []
    seen: dict[bytes, fileformat.Parsed] = {}  # a change's version, for its children
    for number, change in enumerate(crdt.history(doc), 1):
        old = seen[change.deps[0]] if len(change.deps) == 1 and change.deps[0] in seen \
            else _parsed(doc, change.deps, check=False)
        new = seen[change.hash] = _parsed(doc, [change.hash], check=False)
        action, at = journal.get(change.hash.hex(), (None, None))
        actor = change.actor.hex()
        out.append(LogEntry(number, change.hash.hex()[:12], actor,
                            "this device" if actor == mine else f"device {actor[:8]}",
                            at, action,
                            changed_fields(old, new) if change.deps
                            else ["(new item)", *changed_fields(old, new)]))
    return found, out
