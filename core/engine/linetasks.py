"""Checkbox tasks inside notes: finding them in a file, their stable ids, and their table in the index.

A line task is a task written as one list line of a note (see `core.checkbox`). It is listed
as a `Row` of kind "task" whose `path` is the note's, `short_id` its own id, and whose
`fields` hold the task's fields plus `line` (1-based line of the file), `text` (the line as
read, to notice a later edit), `checkbox` (its format: tasks, dataview or logseq) and
`note` (the note's document id).

Ids: `key` is the task's 🆔 when it has one, else its title (fields and box left out, so a
new due date, a new priority or ticking it keep the id); the id is the first 8 characters of
a hash of the note's document id (which a rename keeps), the key, and how many tasks of the
note above it have the same key. An edit elsewhere in the note, lines moving, a rename or
a changed date keep the id; changing the title's words makes a new one. A recurring task's
next occurrence is written above the finished one, so it inherits the id.

Not tasks: lines in code fences, list items without a box or a Logseq marker, empty
titles, and the checklist inside a task file (those are the file task's own steps).

The table `line_tasks` lives in `.solo/index.sqlite` beside the files table, keyed by the
note's document id and content sha; a file row without entries for its current sha
(indexed before this table existed, or by a path that skipped `record`) is read once
and filled in when tasks are listed, so the table never needs a migration.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from solo.core.engine.index import Row
from solo.core.model import fileformat

if TYPE_CHECKING:
    from solo.core.model import checkbox, markdown

__all__ = ["LINE_KEYS", "Found", "LineTaskStore", "is_line_task", "scan"]

PARSER_VERSION = "2"
LINE_KEYS = ("line", "text", "checkbox", "note", "plan_line")
"""The keys a line task's fields hold beside the task's own (where it is, how it reads)."""
ID_LENGTH = 8
SKIPPED_KINDS = ("task",)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS line_tasks (
    doc_id TEXT NOT NULL, sha TEXT NOT NULL, seq INTEGER NOT NULL,
    id TEXT, data TEXT,
    PRIMARY KEY (doc_id, sha, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS line_tasks_id ON line_tasks(id) WHERE id IS NOT NULL;
CREATE TABLE IF NOT EXISTS line_tasks_meta (key TEXT PRIMARY KEY, value TEXT);
"""


class Found(NamedTuple):
    """One task of a file: the parsed line, where it is, and its id."""

    task: checkbox.LineTask
    line: int  # 1-based line of the file
    text: str  # the line as written, without its line ending
    id: str
    fields: dict[str, str]  # the line's fields, with a Logseq planning line's
    plan_line: int | None = None  # the Logseq planning line below it, when there is one


def task_key(task: checkbox.LineTask) -> str:
    tid = task.fields.get("task_id")
    return f"id:{tid}" if tid else f"title:{task.title.casefold()}"


def make_id(doc_id: str, key: str, occurrence: int) -> str:
    digest = hashlib.sha1(f"{doc_id}\0{key}\0{occurrence}".encode()).digest()
    return base64.b32encode(digest[:5]).decode("ascii").lower()  # 40 bits, 8 characters


def split_lines(text: str) -> list[str]:
    """The file's lines as Markdown counts them (ending at `\\n` only), `\\r` kept."""
    parts = text.split("\n")
    return parts[:-1] if parts and parts[-1] == "" else parts


def scan(head: str, body: str, doc_id: str,
         lines: markdown.Scanned | None = None) -> list[Found]:
    """Every task of a file (its front matter `head` and `body`), in order (`lines`: the
    body's scan, when the caller has one)."""
    if not _maybe_tasks(body):
        return []
    from solo.core.model import checkbox, markdown  # (a command that ingests nothing: neither)

    first = head.count("\n")
    scanned = (lines or markdown.scan(body)).lines
    found: list[Found] = []
    seen: dict[str, int] = {}
    for index, line in enumerate(scanned):
        if line.in_code:
            continue
        task = checkbox.parse(line.text)
        if task is None:
            continue
        fields = dict(task.fields)
        plan_line = None
        if task.marker is not None and index + 1 < len(scanned) and not scanned[index + 1].in_code:
            plan = checkbox.planning(scanned[index + 1].text)
            if plan is not None:
                plan_line = first + index + 2
                for key, value in plan.fields.items():
                    fields.setdefault(key, value)
                if plan.recur:
                    fields.setdefault("recur", plan.recur)
        key = task_key(task)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        found.append(Found(task, first + index + 1, line.text, make_id(doc_id, key, occurrence),
                           fields, plan_line))
    return found


def _maybe_tasks(body: str) -> bool:
    """A quick look before the line scanner: a box or a Logseq marker somewhere."""
    from solo.core.model.checkbox import MARKERS

    return "]" in body and "[" in body or any(m in body for m in MARKERS)


def _data(item: Found) -> dict[str, Any]:
    return {"line": item.line, "text": item.text, "title": item.task.title,
            "status": item.task.status, "fields": item.fields, "tags": list(item.task.tags),
            "format": item.task.format, "problems": list(item.task.problems),
            "plan_line": item.plan_line}


def is_line_task(row: Row) -> bool:
    """True for a row that stands for a checkbox task line (not a file)."""
    return row.kind == "task" and isinstance(row.fields.get("checkbox"), str) \
        and isinstance(row.fields.get("line"), int) and isinstance(row.fields.get("note"), str)


def to_row(data: dict[str, Any], task_id: str, path: str, note: str, private: bool,
           mtime_ns: int, size: int, sha: str) -> Row:
    """The `Row` a line task is listed as (same keys as a file task's, plus its line)."""
    own = dict(data["fields"])
    fields: dict[str, Any] = {"kind": "task", "title": data["title"], "status": data["status"],
                              **own}
    fields.pop("priority_level", None)
    if data["tags"]:
        fields["tags"] = list(data["tags"])
    fields.update(line=data["line"], text=data["text"], checkbox=data["format"], note=note)
    if data.get("plan_line"):
        fields["plan_line"] = data["plan_line"]
    problems = data.get("problems") or []
    return Row(path=path, doc_id=task_id, kind="task", title=data["title"],
               status=data["status"], due=own.get("due"), scheduled=own.get("scheduled"),
               priority=own.get("priority"), tags=list(data["tags"]), fields=fields,
               private=private, mtime_ns=mtime_ns, size=size, sha=sha,
               problem="; ".join(f"{path}:{data['line']}: {p}" for p in problems) or None)


def link_dependencies(rows: list[Row]) -> list[Row]:
    """Rows with `depends` naming the line tasks their ⛔ ids point to (Tasks ids are vault-wide)."""
    by_tid: dict[str, str] = {}
    for row in rows:
        tid = row.fields.get("task_id")
        if isinstance(tid, str):
            by_tid.setdefault(tid, row.short_id)
    for row in rows:
        wanted = row.fields.get("blocked_by")
        if isinstance(wanted, str) and wanted:
            row.fields["depends"] = [by_tid.get(t, t) for t in wanted.split(",") if t]
    return rows


class LineTaskStore:
    """The `line_tasks` table, over its own connection to the index's SQLite file."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30.0,
                                   isolation_level=None)
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.execute("PRAGMA synchronous=NORMAL")  # as the index: derived data, WAL
        self._db.executescript(_SCHEMA)
        version = self._db.execute(
            "SELECT value FROM line_tasks_meta WHERE key = 'version'").fetchone()
        if version is None or version[0] != PARSER_VERSION:
            self._db.execute("DELETE FROM line_tasks")
            self._db.execute("INSERT OR REPLACE INTO line_tasks_meta VALUES ('version', ?)",
                             (PARSER_VERSION,))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, doc_id: str, sha: str, head: str, body: str) -> None:
        """Store the tasks of one file's content (called from the ingest path)."""
        self.record_many([(doc_id, sha, head, body)])

    def record_many(self, files: Iterable[tuple[str, str, str, str]]) -> None:
        """`record` for many files' (doc_id, sha, head, body) in one transaction (a bulk
        ingest's batch): all of them are stored, or none."""
        self.store_many((doc_id, sha, scan(head, body, doc_id))
                        for doc_id, sha, head, body in files)

    def store_many(self, files: Iterable[tuple[str, str, list[Found]]]) -> None:
        """Store many files' (doc_id, sha, tasks `scan` found) in one transaction."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for doc_id, sha, found in files:
                    self._db.execute("DELETE FROM line_tasks WHERE doc_id = ?", (doc_id,))
                    rows: list[tuple[str, str, int, str | None, str | None]] = [
                        (doc_id, sha, n, item.id, json.dumps(_data(item), ensure_ascii=False))
                        for n, item in enumerate(found)] or [(doc_id, sha, 0, None, None)]
                    self._db.executemany("INSERT INTO line_tasks VALUES (?,?,?,?,?)", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _fill_missing(self, read: Callable[[str], bytes | None]) -> None:
        """Read the files the table does not know at their indexed content, once."""
        with self._lock:
            missing = self._db.execute(
                "SELECT f.path, f.doc_id, f.sha FROM files f WHERE f.doc_id IS NOT NULL "
                "AND f.problem IS NULL AND NOT EXISTS (SELECT 1 FROM line_tasks t "
                "WHERE t.doc_id = f.doc_id AND t.sha = f.sha)").fetchall()
        batch: list[tuple[str, str, str, str]] = []
        for path, doc_id, sha in missing:
            data = read(path)
            if data is None or hashlib.sha256(data).hexdigest() != sha:
                continue  # changed since it was indexed: the next ingest records it
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            parsed = fileformat.split(text)
            batch.append((doc_id, sha, parsed.head, parsed.body))
            if len(batch) >= 500:
                self.record_many(batch)
                batch.clear()
        if batch:
            self.record_many(batch)

    def rows(self, read: Callable[[str], bytes | None] | None = None,
             ids: Iterable[str] | None = None, note: str | None = None) -> list[Row]:
        """Every line task of the vault (or those with these ids, or of the note with this
        document id), in path and line order; `read` fills in files not yet scanned."""
        if read is not None:
            self._fill_missing(read)
        # CROSS JOIN keeps the line tasks the outer loop (through their `id` index): left to
        # itself, SQLite walks every file in path order to find a vault's few line tasks.
        sql = ("SELECT f.path, f.doc_id AS note, f.private, f.mtime_ns, f.size, f.sha, t.id, "
               "t.data FROM line_tasks t CROSS JOIN files f ON f.doc_id = t.doc_id "
               "AND f.sha = t.sha "
               "WHERE t.id IS NOT NULL AND f.problem IS NULL AND coalesce(f.kind, '') NOT IN ("
               + ",".join("?" * len(SKIPPED_KINDS)) + ")")
        args: list[Any] = list(SKIPPED_KINDS)
        wanted = list(ids) if ids is not None else None
        if wanted is not None:
            sql += f" AND t.id IN ({','.join('?' * len(wanted))})"
            args += wanted
        if note is not None:
            sql += " AND t.doc_id = ?"
            args.append(note)
        sql += " ORDER BY f.path, t.seq"
        with self._lock:
            found = self._db.execute(sql, args).fetchall()
        rows = [to_row(json.loads(data), task_id, path, note, bool(private), mtime_ns, size, sha)
                for path, note, private, mtime_ns, size, sha, task_id, data in found]
        return rows if wanted is not None or note is not None else link_dependencies(rows)

    def get(self, task_id: str, read: Callable[[str], bytes | None] | None = None) -> Row | None:
        found = self.rows(read, [task_id.lower()])
        return found[0] if found else None
