"""The undo journal: what this device did through Solo (`.solo/undo.jsonl`), one JSON line per action.

Each action names its document and the document's heads before and after it, so `solo
undo` can revert exactly that change as a new change, and `solo log` can say when a change
was made (the Automerge binding records no change times). Undoing appends a line marking
the action undone (or passed over), so the file only grows; it is derived state about this
device and never synced. Callers hold the vault lock.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solo.core import clock

JOURNAL_FILE = "undo.jsonl"
ACTIONS = ("add", "modify", "done", "delete", "restore", "undelete")


@dataclass
class Action:
    """One action this device made: `before`/`after` are the document's heads (hex)."""

    number: int
    action: str
    doc_id: str
    path: str
    title: str
    before: list[str]
    after: list[str]
    at: str
    state: str = "active"  # active, undone, skipped
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def heads_before(self) -> list[bytes]:
        return [bytes.fromhex(h) for h in self.before]

    def heads_after(self) -> list[bytes]:
        return [bytes.fromhex(h) for h in self.after]


class ActionJournal:
    """The append-only journal of this device's Solo actions."""

    def __init__(self, solo_dir: Path) -> None:
        self.path = solo_dir / JOURNAL_FILE
        self._count: tuple[int, int] | None = None  # (file size, lines) last seen

    def _size(self) -> int:
        try:
            return self.path.stat().st_size
        except FileNotFoundError:
            return 0

    def _next_number(self) -> int:
        size = self._size()
        if self._count is None or self._count[0] != size:
            try:
                lines = self.path.read_bytes().count(b"\n")
            except FileNotFoundError:
                lines = 0
            self._count = (size, lines)
        return self._count[1] + 1

    def _append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        number = self._next_number()
        with open(self.path, "ab") as handle:
            if handle.tell() > 0:
                with open(self.path, "rb") as tail:
                    tail.seek(-1, os.SEEK_END)
                    if tail.read(1) != b"\n":
                        line = b"\n" + line  # after a torn line a crash left
            handle.write(line)  # not fsynced: a power cut may drop the newest line, which
            # only makes that action not undoable; the change itself is in the fsynced store
        self._count = (self._size(), number)

    def record(self, action: str, doc_id: str, path: str, title: str,
               before: list[bytes], after: list[bytes]) -> None:
        """Note one action (nothing when it changed nothing)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if action not in ("delete", "undelete") and sorted(before) == sorted(after):
            return
        number = self._next_number()
        self._append({"n": number, "action": action, "doc": doc_id, "path": path,
                      "title": title, "before": [h.hex() for h in before],
                      "after": [h.hex() for h in after], "at": clock.now().isoformat()})

    def mark(self, number: int, state: str, note: str = "", doc_id: str = "",
             after: list[bytes] | None = None) -> None:
        """Mark action `number` undone or skipped (`state`); `after`: the heads the undo
        left `doc_id` at (so `solo log` can say which change was the undo)."""
        self._append({"mark": number, "state": state, "note": note, "doc": doc_id,
                      "after": [h.hex() for h in after or []], "at": clock.now().isoformat()})

    def _lines(self) -> list[dict[str, Any]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a torn last line after a crash: that action is not undoable
            if isinstance(record, dict):
                out.append(record)
        return out

    def actions(self) -> list[Action]:
        """Every recorded action, oldest first, with its current state."""
        found: dict[int, Action] = {}
        for record in self._lines():
            if "mark" in record:
                target = found.get(record["mark"])
                if target is not None:
                    target.state = str(record.get("state", "undone"))
                    target.note = str(record.get("note", ""))
                continue
            try:
                found[int(record["n"])] = Action(
                    int(record["n"]), str(record["action"]), str(record["doc"]),
                    str(record["path"]), str(record.get("title", "")),
                    [str(h) for h in record["before"]], [str(h) for h in record["after"]],
                    str(record["at"]))
            except (KeyError, TypeError, ValueError):
                continue
        return sorted(found.values(), key=lambda a: a.number)

    def last_active(self) -> Action | None:
        """The newest action not yet undone or passed over."""
        return next((a for a in reversed(self.actions()) if a.state == "active"), None)

    def times(self, doc_id: str) -> dict[str, tuple[str, str]]:
        """Change hash (hex) → (action, time) for the changes this device's actions made to
        one document (a delete changes the root index, not the document: not listed)."""
        out: dict[str, tuple[str, str]] = {}
        for record in self._lines():
            if record.get("doc") != doc_id or record.get("action") == "delete" \
                    or (record.get("before") == record.get("after") and "mark" not in record):
                continue  # a delete or a restore changed the root index, not the document
            name = "undo" if "mark" in record else str(record.get("action"))
            for head in record.get("after") or []:
                out[str(head)] = (name, str(record.get("at", "")))
        return out
