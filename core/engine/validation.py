"""Checks of an item beyond its field types, wherever input enters: one line per finding, naming file and field.

`check` finds what is wrong with one item's fields: the model's type and choice problems
(an unknown status), an empty title, keys its kind does not define (kept, but said, with
the closest known key: "unknown key 'billing' for resource; did you mean 'period'?"),
logged time in the future (a focus session starting later than now, a learning item
finished after today, a task done after today), and, given the vault's rows, references
that match no item (`goal`, `skills`, `depends`, a focus session's `task`, and a `project`
no item and no other task names). The CLI's `add` and `modify` refuse the blocking ones
(`Finding.blocking`) and print the rest; quick add and the form say them; files an editor
changed are ingested as they are and their findings reported (watch, scan, the TUI's ⚠).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from solo.core.career.progress import Refs, clean_ref, ref_list
from solo.core.engine.index import Index, Row
from solo.core.model import kinds as model
from solo.core.model import schema
from solo.core.model.dates import as_date, as_datetime

# kind → (field, kind of item it must name); `project` is checked on its own (a name or a ref).
REFERENCES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "task": (("goal", "goal"), ("depends", "task")),
    "goal": (("skills", "skill"),),
    "learning": (("goal", "goal"), ("skills", "skill")),
    "achievement": (("goal", "goal"), ("skills", "skill")),
    "focus": (("task", "task"),),
}
# kind → date fields that record something already done (a future value is a slip).
LOGGED: dict[str, tuple[str, ...]] = {
    "focus": ("start",), "learning": ("finished",), "task": ("done",),
    "achievement": ("date",),
}


@dataclass(frozen=True)
class Finding:
    """One thing wrong with one field of one file; `blocking` ones refuse a Solo write."""

    path: str
    field: str
    message: str
    blocking: bool = False

    def line(self) -> str:
        message = self.message
        if self.field and self.field not in message:
            message = f"{self.field}: {message}"
        return f"{self.path}: {message}" if self.path else message


def _future(kind: str, fields: Mapping[str, Any], today: dt.date,
            now: dt.datetime) -> Iterable[tuple[str, str]]:
    for name in LOGGED.get(kind, ()):
        value = fields.get(name)
        when = as_datetime(value) if name == "start" else None
        if when is not None:
            if when.replace(tzinfo=None) > now:
                yield name, f"{name} {when:%Y-%m-%d %H:%M} is in the future (logged time)"
            continue
        day = as_date(value)
        if day is not None and day > today:
            yield name, f"{name} {day.isoformat()} is in the future (logged time)"


def check(kind: str, fields: Mapping[str, Any], *, path: str = "", today: dt.date,
          now: dt.datetime | None = None, rows: Sequence[Row] | None = None,
          refs: Refs | None = None) -> list[Finding]:
    """Every finding about one item's fields; references are checked when `rows` (or a
    prebuilt `refs` over them) are given. Never raises."""
    if not isinstance(fields, Mapping):
        return [Finding(path, "", "front matter must be a table of keys", True)]
    now = now or dt.datetime.combine(today, dt.time(23, 59, 59))
    out = [Finding(path, p.field, p.message, True) for p in model.validate(kind, fields)]
    title = fields.get("title")
    if "title" in fields and isinstance(title, str) and not title.strip():
        out.append(Finding(path, "title", "title is empty", True))
    if model.KIND_FIELDS.get(kind):  # a note's properties are its own business
        out += [Finding(path, line.split("'")[1], line) for line in schema.unknown_keys(kind, fields)]
    out += [Finding(path, name, message) for name, message in _future(kind, fields, today, now)]
    if rows is not None or refs is not None:
        out += dangling(kind, fields, path, refs or Refs(rows or []), rows or [])
    return out


def dangling(kind: str, fields: Mapping[str, Any], path: str, refs: Refs,
             rows: Sequence[Row]) -> list[Finding]:
    """References in `fields` that match no item (of the kind they must name)."""
    out: list[Finding] = []
    for name, target in REFERENCES.get(kind, ()):
        for ref in ref_list(fields.get(name)):
            found = refs.get(ref, target) if target else refs.get(ref)
            if found is None:
                what = f"no {target}" if target else "no item"
                out.append(Finding(path, name, f"{name} {ref!r} matches {what}"))
            elif name == "depends" and found.path == path:
                out.append(Finding(path, name, f"{name} {ref!r} is this task itself"))
    if kind == "task":
        project = fields.get("project")
        if isinstance(project, str) and project.strip() and refs.get(project) is None:
            key = clean_ref(project)
            shared = refs.others_with_project(path, project) if isinstance(refs, IndexRefs) \
                else any(r.path != path and r.kind == "task"
                         and clean_ref(r.fields.get("project")) == key for r in rows)
            if not shared:
                out.append(Finding(path, "project", f"project {project!r} matches no item "
                                   "and no other task"))
    return out


def row_findings(row: Row, today: dt.date, now: dt.datetime | None = None) -> list[Finding]:
    """The file-local findings of an indexed item (no reference checks): what ingest reports."""
    if row.problem:
        return []  # the file could not be read as an item: its problem says so already
    return check(row.kind, row.fields, path=row.path, today=today, now=now)


class IndexRefs(Refs):
    """`Refs` answered by index look-ups, for checking a few items of a large vault without
    loading every row: paths and ids by key, stems from the path list, goals and skills (few)
    loaded whole."""

    def __init__(self, index: Index) -> None:
        super().__init__(())
        self.index = index
        self._stems: dict[str, str] | None = None
        self._small: dict[str, Refs] = {}

    def get(self, ref: object, kind: str | None = None) -> Row | None:
        key = clean_ref(ref)
        if not key:
            return None
        if kind in ("goal", "skill"):
            if kind not in self._small:
                self._small[kind] = Refs(self.index.rows(kind))
            return self._small[kind].get(ref, kind)
        row = self.index.by_path(key) or self.index.by_path(key + ".md")
        if row is None and len(key) >= 4:
            matches = self.index.by_prefix(key)
            row = matches[0] if len(matches) == 1 else None
        if row is None:
            if self._stems is None:
                self._stems = {}
                for known in sorted(self.index.stats()):
                    self._stems.setdefault(PurePosixPath(known).stem.lower(), known)
            found = self._stems.get(key)
            row = self.index.by_path(found) if found else None
        if row is not None and kind is not None and row.kind != kind:
            return None
        return row

    def others_with_project(self, path: str, project: str) -> bool:
        return any(r.path != path for r in self.index.rows("task", where={"project": project}))


def index_findings(index: Index, paths: Iterable[str], today: dt.date,
                   now: dt.datetime | None = None) -> list[Finding]:
    """Every finding about the items at `paths` (references looked up in the index)."""
    refs = IndexRefs(index)
    out: list[Finding] = []
    for path in dict.fromkeys(paths):
        row = index.by_path(path)
        if row is not None and not row.problem:
            out += check(row.kind, row.fields, path=row.path, today=today, now=now, refs=refs)
    return out


def lines(findings: Iterable[Finding]) -> list[str]:
    """One line per finding, each once, in order."""
    return list(dict.fromkeys(f.line() for f in findings))
