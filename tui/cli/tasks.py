"""Task commands in the Taskwarrior idiom: filtered `solo list`, `solo next`, `solo import taskwarrior`, `solo export`, `modify`, `annotate`, `delete`.

Filters are the terms of `solo.core.planning.filters` (`+tag project:x due.before:eow +OVERDUE …`);
a term that starts with `-` (`-home`, `-BLOCKED`) is taken as a filter term, not an option.
`SOLO_TODAY` and `SOLO_NOW` pin the clock for tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from solo.core.engine.index import Row
from solo.core.engine.linetasks import is_line_task
from solo.core.model import dates
from solo.core.model import kinds as model
from solo.core.planning.filters import (
    Context,
    Filter,
    FilterError,
    parse_filter,
    parse_sort,
    row_key,
    sort_rows,
)
from solo.core.vault import Vault
from solo.tui.cli.common import (
    UserError,
    open_vault,
    print_json,
    row_json,
    today,
    warn_findings,
    where,
)
from solo.tui.cli.table import CONFIRM_ABOVE


def now() -> dt.datetime:
    """The local time; `SOLO_NOW` overrides it, and `SOLO_TODAY` alone pins the day."""
    override = os.environ.get("SOLO_NOW")
    if override:
        try:
            return dt.datetime.fromisoformat(override).replace(tzinfo=None, microsecond=0)
        except ValueError:
            raise UserError(f"SOLO_NOW must be YYYY-MM-DDTHH:MM, not {override!r}") from None
    return dt.datetime.combine(today(), dt.datetime.now().time().replace(microsecond=0))


def _filter(terms: Sequence[str], include_closed: bool = False) -> Filter:
    try:
        return parse_filter(terms, today(), include_closed=include_closed)
    except FilterError as exc:
        raise UserError(str(exc)) from None


def _kind_and_terms(kind: str | None, terms: Sequence[str]) -> tuple[str | None, list[str]]:
    """The first positional is a kind when it names one ("tasks" too), else a filter term;
    a bare word close to a kind ("taks") is reported rather than searched for."""
    if kind is None:
        return None, list(terms)
    if kind in model.KINDS:
        return kind, list(terms)
    if kind.endswith("s") and kind[:-1] in model.KINDS:
        return kind[:-1], list(terms)
    import difflib  # (only for a word that is not a kind)

    close = difflib.get_close_matches(kind, model.KINDS, n=1, cutoff=0.75)
    if close and kind.isalpha():
        raise UserError(f"unknown kind {kind!r} (did you mean {close[0]}?); one of: "
                        f"{', '.join(model.KINDS)}")
    return None, [kind, *terms]


def select(vault: Vault, kind: str | None, terms: Sequence[str], *, include_closed: bool = False,
           sort: str | None = None, limit: int | None = None) -> list[Row]:
    """The rows `solo list` shows: of `kind`, matching the filter terms, sorted, limited."""
    flt = _filter(terms, include_closed)
    sort_key = None
    if sort:
        try:
            sort_key = parse_sort(sort)
        except FilterError as exc:
            raise UserError(str(exc)) from None
    graph = flt.needs_graph or (sort_key is not None and sort_key[0] == "urgency")
    # Closed tasks the filter hides are left in SQLite unless the graph of tasks is needed
    # (dependencies, references and urgency look at every row).
    open_only = flt.hides_closed and not graph
    all_rows = vault.rows(None if not kind or graph else kind, open_tasks=open_only)
    if kind in (None, "task"):
        all_rows = [*all_rows, *vault.line_tasks()]  # checkbox tasks inside notes
    rows = [r for r in all_rows if r.kind == kind] if kind else all_rows
    ctx = Context.at(today(), all_rows, now())
    found = flt.apply(rows, ctx)
    if sort_key is not None:
        key, descending = sort_key
        scores = None
        if key == "urgency":
            scores = {row_key(r): s.total for r, s in ranked(vault, found, ctx)}
        found = sort_rows(found, key, descending, scores)
    if limit is not None:
        if limit < 0:
            raise UserError(f"--limit must be 0 or more, not {limit}")
        found = found[:limit]
    return found


def list_rows(vault: Vault, args: argparse.Namespace) -> list[Row]:
    """`solo list [KIND] [TERM…] [--status S] [--tag T] [--all] [--sort KEY[-]] [--limit N]`."""
    kind, terms = _kind_and_terms(args.kind, getattr(args, "terms", None) or [])
    if getattr(args, "status", None):
        terms.append(f"status:{args.status}")
    if getattr(args, "tag", None):
        terms.append(f"tag:{args.tag}")  # a real tag in any case (`+WORK` would be virtual)
    return select(vault, kind, terms, include_closed=getattr(args, "all", False),
                  sort=getattr(args, "sort", None), limit=getattr(args, "limit", None))


# --- next -----------------------------------------------------------------------------------
def ranked(vault: Vault, rows: Sequence[Row], ctx: Context) -> list[tuple[Row, Any]]:
    from solo.core.career import progress as career
    from solo.core.planning import urgency

    try:
        coeffs = urgency.coefficients(vault.config.urgency)
    except urgency.UrgencyConfigError as exc:
        raise UserError(f"{vault.config_path}: {exc}") from None
    at_risk: frozenset[str] = frozenset()
    if coeffs["goal_at_risk"]:
        goals = career.goals_progress(ctx.rows, ctx.today, refs=ctx.refs())  # (one Refs)
        at_risk = frozenset(g.goal.path for g in goals if g.at_risk or g.overdue)
    counts: dict[str, int] = {}
    if coeffs["annotations"]:
        for row in rows:
            if row.kind == "task" and not is_line_task(row):
                counts[row.path] = urgency.annotation_count(vault.read(row).body)
    return urgency.rank(rows, ctx, coeffs, at_risk, counts)


def cmd_next(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        flt = _filter(args.terms)
        task_rows = vault.tasks()
        # Urgency looks at tasks (dependencies) and goals (at risk) only: skip the rest.
        ctx = Context.at(today(), [*task_rows, *vault.rows("goal")], now())
        tasks = flt.apply(task_rows, ctx)
        scored = ranked(vault, tasks, ctx)[: args.limit]
    if args.json:
        print_json([{**row_json(row), "urgency": s.total, "urgency_terms": dict(s.terms)}
                    for row, s in scored])
        return 0
    if not scored:
        print("(nothing to do)")
    for row, s in scored:
        when = str(row.due or row.scheduled or "")[:16]
        print(f"{s.total:6.2f}  {row.short_id:8}  {(row.status or 'inbox'):9.9}  "
              f"{when:16}  {row.title}  ({where(row)})")
    return 0


# --- import / export ---------------------------------------------------------------------
def import_taskwarrior(vault: Vault, text: str) -> dict[str, list[str]]:
    """Upsert the tasks of a `task export` into the vault, keyed by `uuid`. Returns what was
    created, updated, left unchanged and could not be mapped (one line each)."""
    from solo.core.model.fileformat import to_json
    from solo.core.planning import taskwarrior as tw
    from solo.core.vault import VaultError

    try:
        tasks = tw.parse_export(text)
    except tw.TaskwarriorError as exc:
        raise UserError(str(exc)) from None
    kept, children = tw.fold_recurring(tasks)
    items = []
    for task in kept:
        item = tw.convert(task)
        if item.uuid in children:
            tw.apply_children(item, children[item.uuid])
        items.append(item)
    existing: dict[str, Row] = {}
    for row in vault.rows("task"):
        value = row.fields.get("uuid")
        if isinstance(value, str):
            existing.setdefault(value.strip().lower(), row)
    report: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": [],
                                    "problems": []}
    folded = sum(len(c) for c in children.values())
    if folded:
        report["problems"].append(f"{folded} recurrence instance(s) folded into their "
                                  "repeating task (Solo keeps one file per repeating task)")
    ids: dict[str, str] = {u: r.short_id for u, r in existing.items()}
    touched: dict[str, Row] = {}

    def upsert(item: tw.Imported, fields: dict[str, Any], annotations: list[str]) -> str | None:
        row = touched.get(item.uuid) or existing.get(item.uuid)
        if row is None:
            created = vault.create("task", item.title, fields,
                                   tw.body_with_annotations("", annotations))
            touched[item.uuid] = created.row
            return "created"
        wanted = {"title": item.title, **fields}
        changes = {k: v for k, v in wanted.items() if to_json(v) != to_json(row.fields.get(k))}
        body = None
        if annotations:
            current = vault.read(row).body
            merged = tw.body_with_annotations(current, annotations)
            body = merged if merged != current else None
        if not changes and body is None:
            return None
        updated = vault.update(row, changes, body=body)
        touched[item.uuid] = updated.row
        return "updated"

    outcome: dict[str, str | None] = {}
    for item in items:
        try:
            outcome[item.uuid] = upsert(item, item.fields, item.annotations)
        except VaultError as exc:
            report["problems"].append(f"{item.uuid[:8]} {item.title!r}: not imported: {exc}")
            continue
        ids[item.uuid] = touched[item.uuid].short_id if item.uuid in touched else \
            existing[item.uuid].short_id
        report["problems"] += [f"{item.uuid[:8]} {item.title!r}: {p}" for p in item.problems]
    for item in items:
        if not item.depends or item.uuid not in ids:
            continue
        mapped = [ids[u] for u in item.depends if u in ids]
        missing = [u for u in item.depends if u not in ids]
        if missing:
            report["problems"].append(f"{item.uuid[:8]} {item.title!r}: depends on "
                                      f"{', '.join(m[:8] for m in missing)}, not in the vault")
        if mapped:
            try:
                if upsert(item, {"depends": mapped}, []) == "updated" and \
                        outcome.get(item.uuid) is None:
                    outcome[item.uuid] = "updated"
            except VaultError as exc:
                report["problems"].append(f"{item.uuid[:8]} {item.title!r}: depends: {exc}")
    for item in items:
        if item.uuid not in ids:
            continue
        state = outcome.get(item.uuid) or "unchanged"
        report[state].append(f"{ids[item.uuid]}  {item.title}")
    return report


def cmd_import(args: argparse.Namespace) -> int:
    text = read_input(args.file)
    with open_vault(args) as vault:
        report = import_taskwarrior(vault, text)
    if args.json:
        print_json(report)
        return 0
    for key in ("created", "updated"):
        for line in report[key]:
            print(f"{key:9} {line}")
    for line in report["problems"]:
        print(f"note: {line}")
    print(f"{len(report['created'])} created, {len(report['updated'])} updated, "
          f"{len(report['unchanged'])} unchanged, {len(report['problems'])} note(s)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from solo.core.career.progress import Refs, ref_list
    from solo.core.planning import taskwarrior as tw
    from solo.core.planning.blocks import calendar_events
    from solo.core.planning.filters import when_of

    with open_vault(args) as vault:
        rows = select(vault, "task", args.terms, include_closed=True)
        refs = Refs(vault.rows("task"))
        if args.format == "json":
            text = json.dumps([row_json(r) for r in rows], ensure_ascii=False, indent=2,
                              default=str) + "\n"
        elif args.format == "taskwarrior":
            out = []
            for row in rows:
                depends = []
                for ref in ref_list(row.fields.get("depends")):
                    target = refs.get(ref, "task")
                    if target is not None and target.doc_id:
                        depends.append(tw.task_uuid(target.fields, target.doc_id))
                out.append(tw.to_taskwarrior(row.title, row.fields, vault.read(row).body,
                                             row.doc_id or row.path, depends, today()))
            text = "[\n" + ",\n".join(json.dumps(t, ensure_ascii=False) for t in out) + "\n]\n"
        else:
            cal = []
            for row in rows:
                due = when_of(row.fields.get("due"))
                if due is None:
                    continue
                about = [f"Solo {row.short_id} ({row.path})"]
                if row.fields.get("project"):
                    about.insert(0, f"Project: {row.fields['project']}")
                cal.append(tw.CalendarTask(
                    uid=f"{tw.task_uuid(row.fields, row.doc_id or row.path)}@solo",
                    title=row.title, due=due, status=row.status or "inbox",
                    priority=row.priority, tags=tuple(row.tags),
                    created=when_of(row.fields.get("created")),
                    done=when_of(row.fields.get("done")), description="\n".join(about)))
            text = tw.to_ics(cal, dt.datetime.combine(today(), now().time()).astimezone(),
                             events=calendar_events(vault.rows("block") + vault.rows("task")))
    if args.output:
        from solo.core.engine.fsutil import atomic_write_bytes

        atomic_write_bytes(Path(args.output).expanduser(), text.encode("utf-8"))
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    return 0


# --- editing verbs --------------------------------------------------------------------------
def confirm(question: str, assume_yes: bool) -> None:
    """Ask on the terminal; anything but y/yes (or no input at all) stops with exit 1."""
    if assume_yes:
        return
    print(f"{question} [y/N] ", end="", flush=True)
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise UserError("nothing changed (not confirmed; pass --yes to skip the question)")


def targets(vault: Vault, target: str) -> list[Row]:
    """The items `target` names: an id, path or file name, else filter terms (quoted as one
    argument: "+home project:x"), over open tasks."""
    import shlex

    from solo.core.vault import VaultError

    try:
        return [vault.resolve(target)]
    except VaultError as exc:
        terms = shlex.split(target)
        looks_like_filter = any(t[:1] in "+-" or ":" in t for t in terms)
        if not looks_like_filter:
            raise UserError(str(exc)) from None
    return select(vault, "task", terms)


def _depends(vault: Vault, text: str) -> list[str]:
    from solo.core.vault import VaultError

    out = []
    for ref in (part.strip() for part in text.split(",")):
        if not ref:
            continue
        try:
            row = vault.resolve(ref)
        except VaultError as exc:
            raise UserError(f"depends: {exc}") from None
        if row.kind != "task":
            raise UserError(f"depends: {ref!r} is a {row.kind}, not a task")
        out.append(row.short_id)
    return out


MODIFY_DATE_KEYS = ("wait", "until")


def modifications(vault: Vault, words: Sequence[str]) -> tuple[dict[str, Any], list[str],
                                                               list[str], list[str]]:
    """(fields to set, keys to unset, tags to add, tags to remove) from `key=value`,
    `key:value`, `key=` (unset), `+tag` and `-tag` words."""
    from solo.tui.cli.common import parse_assignment

    changes: dict[str, Any] = {}
    unset: list[str] = []
    add_tags: list[str] = []
    drop_tags: list[str] = []
    for word in words:
        if word[:1] in "+-" and len(word) > 1 and "=" not in word and ":" not in word:
            (add_tags if word[0] == "+" else drop_tags).append(word[1:].lstrip("#"))
            continue
        sep = "=" if "=" in word and (":" not in word or word.index("=") < word.index(":")) \
            else ":"
        key, found, value = word.partition(sep)
        key, value = key.strip(), value.strip()
        if not found or not key or not key.replace("_", "").replace("-", "").isalnum():
            raise UserError(f"cannot read {word!r}: use key=value, key: (to clear), +tag or -tag")
        if key in ("kind", "title") and not value:
            raise UserError(f"{key} cannot be cleared")
        if not value:
            unset.append(key)
        elif key == "depends":
            changes[key] = _depends(vault, value)
        elif key in MODIFY_DATE_KEYS:
            try:
                changes[key] = dates.parse_when(value, today())
            except ValueError as exc:
                raise UserError(f"{key}: {exc}") from None
        else:
            changes[key] = parse_assignment("task", f"{key}={value}")[1]
    return changes, unset, add_tags, drop_tags


def cmd_modify(args: argparse.Namespace) -> int:
    from solo.core.vault import VaultError

    words = [w for w in args.changes if w] + list(args.terms)  # terms: what followed a -tag
    if not words:
        raise UserError("nothing to change: give key=value, key: (to clear), +tag or -tag")
    with open_vault(args) as vault:
        changes, unset, add_tags, drop_tags = modifications(vault, words)
        rows = targets(vault, args.target)
        if not rows:
            print("(nothing matches)")
            return 0
        if len(rows) > CONFIRM_ABOVE:
            for row in rows:
                print(f"  {row.short_id:8}  {row.title}  ({row.path})")
            confirm(f"Modify these {len(rows)} items?", args.yes)
        for row in rows:
            fields = dict(changes)
            if add_tags or drop_tags:
                tags = [t for t in row.tags if t not in drop_tags]
                tags += [t for t in add_tags if t not in tags]
                fields["tags"] = tags
            problems = model.validate(row.kind, {**row.fields, **fields})
            problems = [p for p in problems if p.field in fields]
            if problems:
                raise UserError(f"{row.path}: " + "; ".join(p.message for p in problems))
            try:
                item = vault.update(row, fields, [k for k in unset if k in row.fields])
            except VaultError as exc:
                raise UserError(str(exc)) from None
            print(f"Modified {item.id}: {item.title} ({item.path})")
            warn_findings(vault, [item.path], only=[*fields, *unset])
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    from solo.core.planning.taskwarrior import annotation_line, body_with_annotations

    text = " ".join(args.text).strip()
    if not text:
        raise UserError("annotate needs some text")
    with open_vault(args) as vault:
        row = vault.resolve(args.id)
        item = vault.read(row)
        line = annotation_line(now(), text)
        vault.update(row, body=body_with_annotations(item.body, [line]))
        print(f"Annotated {row.short_id}: {line}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        row = vault.resolve(args.id)
        confirm(f"Delete {row.kind} {row.title!r} ({row.path})?", args.yes)
        vault.delete(row)
        print(f"Deleted {row.short_id}: {row.path}")
    return 0


def read_input(path: str) -> str:
    """The text of FILE, or of standard input for `-`."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path}: {exc}") from None

