"""Helpers every `solo` command shares: finding and opening the vault, today, JSON and table output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import threading
import tomllib
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from solo.core import clock
from solo.core.errors import SoloError
from solo.core.model import kinds as model
from solo.core.terminal import clean_line

if TYPE_CHECKING:
    from solo.core.engine.index import Row
    from solo.core.vault import Item, Vault


class UserError(SoloError):
    """A problem the user can fix; printed as one line."""


# --- vault location -----------------------------------------------------------------------
def vault_path(args: argparse.Namespace) -> Path:
    if args.vault:
        return Path(args.vault).expanduser()
    if os.environ.get("SOLO_VAULT"):
        return Path(os.environ["SOLO_VAULT"]).expanduser()
    from solo.core.vault import find_vault

    found = find_vault(Path.cwd())
    if found is None:
        raise UserError("no vault here: pass --vault PATH, set SOLO_VAULT, "
                        "or run `solo init PATH`")
    return found


def open_vault(args: argparse.Namespace, scan: bool = True, lasting: bool = False) -> Vault:
    """The vault, scanned. A command that is not `lasting` (it runs, writes and exits) leaves
    the root revs of what it changed to the next sync, watch or TUI (`defer_revs`)."""
    from solo.core.vault import Vault

    vault = Vault(vault_path(args))
    vault.mirror.defer_revs = not lasting
    for line in vault.config.warnings:
        print(f"solo: warning: {line}", file=sys.stderr)
    if scan:
        report = vault.scan()
        for problem in [*vault.notices, *report.problems.values()]:
            print(f"solo: warning: {clean_line(problem)}", file=sys.stderr)
        warn_findings(vault, report.added + report.changed)  # an editor's edits: said, kept
    return vault


def warn_findings(vault: Vault, paths: Sequence[str], only: Sequence[str] | None = None) -> None:
    """Print one `solo: warning:` line per validation finding of these items (references
    checked against the whole vault); `only`: just the findings about these fields."""
    if not paths:
        return
    from solo.core.engine import validation

    findings = [f for f in validation.index_findings(vault.index, paths, today(), clock.now())
                if only is None or f.field in only]
    for line in validation.lines(findings):
        print(f"solo: warning: {line}", file=sys.stderr)


def today() -> dt.date:
    """The day, from `solo.core.clock` (so `SOLO_TODAY` pins it)."""
    try:
        return clock.today()
    except ValueError:
        raise UserError(f"SOLO_TODAY must be YYYY-MM-DD, not {os.environ.get('SOLO_TODAY')!r}") from None


# --- output -------------------------------------------------------------------------------
def row_json(row: Row) -> dict[str, Any]:
    out: dict[str, Any] = dict(row.fields)
    out.update(id=row.short_id, doc_id=row.doc_id, kind=row.kind, title=row.title,
               path=row.path)
    if row.tags or "tags" in out:  # the property's tags and the body's #tags, as filters see them
        out["tags"] = list(row.tags)
    if row.problem:
        out["problem"] = row.problem
    if isinstance(row.fields.get("checkbox"), str) and isinstance(row.fields.get("note"), str):
        out["doc_id"] = row.fields["note"]  # a checkbox task: the note's document
    return out


def where(row: Row) -> str:
    """The row's path, with `:line` for a checkbox task inside a note."""
    line = row.fields.get("line") if isinstance(row.fields.get("checkbox"), str) else None
    return f"{row.path}:{line}" if isinstance(line, int) else row.path


def item_json(item: Item) -> dict[str, Any]:
    out = row_json(item.row)
    out["body"] = item.body
    return out


T = TypeVar("T")


def report(args: argparse.Namespace, compute: Callable[[Vault], T], show: Callable[[T], None],
           as_json: Callable[[T], Any]) -> int:
    """The shape of a report command: open the vault, `compute` from it, close it; then print
    `as_json(value)` with `--json`, else `show(value)` for a terminal."""
    with open_vault(args) as vault:
        value = compute(vault)
    if args.json:
        print_json(as_json(value))
    else:
        show(value)
    return 0


_JSON = json.JSONEncoder(ensure_ascii=False, indent=2, default=str)


def print_json(value: Any) -> None:
    """`value` as JSON indented by two, as `json.dump` writes it. A list of objects (what
    every list command prints) is laid out here a key per line, strings and lists of them
    by the C encoder: `json.dump` with an indent encodes every token in Python (a third of
    a 10,000-row `solo list --json`)."""
    text = _json_objects(value) if isinstance(value, list) and value else None
    if text is not None:
        sys.stdout.write(text)
        return
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def _json_objects(value: list[Any]) -> str | None:
    """A list of objects as `print_json` writes it, each key's line start made once; None
    when an item is not an object with text keys (then `json.dump` writes it)."""
    string = encode_basestring
    starts: dict[str, str] = {}
    out = []
    for entry in value:
        if type(entry) is not dict or not entry:
            return None
        lines = []
        for key, field in entry.items():
            start = starts.get(key)
            if start is None:
                if type(key) is not str:
                    return None
                start = starts[key] = f"    {string(key)}: "
            lines.append(start + (string(field) if type(field) is str else _json_field(field)))
        out.append("  {\n" + ",\n".join(lines) + "\n  }")
    return "[\n" + ",\n".join(out) + "\n]\n"


def _json_field(value: Any) -> str:
    """One value of an object in a list, as `json.dump` with an indent of two writes it there."""
    if type(value) is str:
        return encode_basestring(value)
    if type(value) is list and value and all(type(item) is str for item in value):
        return "[\n      " + ",\n      ".join(map(encode_basestring, value)) + "\n    ]"
    return _JSON.encode(value).replace("\n", "\n    ")


def print_rows(rows: Sequence[Row]) -> None:
    if not rows:
        print("(nothing)")
        return
    lines = [_row_line(row, str) for row in rows]
    # Cleaning changes only characters that are not printable (controls, tabs, newlines,
    # bidi marks, separators), so a line all printable is clean as it is: one look in C per
    # line instead of three cleanings per row (anything else is cleaned part by part).
    if not all(map(str.isprintable, lines)):
        lines = [_row_line(row, clean_line) for row in rows]
    sys.stdout.write("\n".join(lines) + "\n")


def _row_line(row: Row, clean: Callable[[object], str]) -> str:
    """One line of `print_rows`; `clean` is what the date, title and place pass through."""
    fields = row.fields
    when = row.due or row.scheduled or fields.get("date") or fields.get("target") or ""
    flag = " !" if row.problem else ""
    return (f"{row.short_id:8}  {row.kind:11.11}  {(row.status or ''):9.9}  "
            f"{clean(when)[:10]:10}  {clean(row.title)}{flag}  ({clean(where(row))})")


def parse_assignment(kind: str, text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise UserError(f"--set needs KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    key, value = key.strip(), value.strip()
    if model.field_spec(kind, key) is None:  # a key of the user's own: read it as TOML if it is
        try:
            return key, tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            return key, value
    try:
        return key, model.coerce_value(key, kind, value, today=today())
    except ValueError as exc:
        raise UserError(f"{key}: {exc}") from None


def wait_until_stopped() -> None:
    """Block until Ctrl-C or SIGTERM (for the long-running commands)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
