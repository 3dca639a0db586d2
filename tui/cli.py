"""The `solo` command line: argument parsing, one function per command, JSON and table output.

Exit codes: 0 success, 1 a user error (one line on stderr, no traceback), 2 bad usage.
Set SOLO_DEBUG=1 to see tracebacks of unexpected failures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from solo.core import clock, model
from solo.core.config import ConfigError
from solo.core.errors import SoloError
from solo.core.index import Row
from solo.core.vault import Item, Vault, VaultError, find_vault

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Handler] = {}


class UserError(SoloError):
    """A problem the user can fix; printed as one line."""


def command(name: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _COMMANDS[name] = func
        return func
    return register


# --- vault location -----------------------------------------------------------------------
def vault_path(args: argparse.Namespace) -> Path:
    if args.vault:
        return Path(args.vault).expanduser()
    if os.environ.get("SOLO_VAULT"):
        return Path(os.environ["SOLO_VAULT"]).expanduser()
    found = find_vault(Path.cwd())
    if found is None:
        raise UserError("no vault here: pass --vault PATH, set SOLO_VAULT, "
                        "or run `solo init PATH`")
    return found


def open_vault(args: argparse.Namespace, scan: bool = True) -> Vault:
    vault = Vault(vault_path(args))
    for line in vault.config.warnings:
        print(f"solo: warning: {line}", file=sys.stderr)
    if scan:
        report = vault.scan()
        for problem in report.problems.values():
            print(f"solo: warning: {problem}", file=sys.stderr)
    return vault


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
    if row.problem:
        out["problem"] = row.problem
    return out


def item_json(item: Item) -> dict[str, Any]:
    out = row_json(item.row)
    out["body"] = item.body
    return out


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_rows(rows: Sequence[Row]) -> None:
    if not rows:
        print("(nothing)")
        return
    for row in rows:
        when = row.due or row.scheduled or row.fields.get("date") or row.fields.get("target") or ""
        flag = " !" if row.problem else ""
        print(f"{row.short_id:8}  {row.kind:11.11}  {(row.status or ''):9.9}  "
              f"{str(when)[:10]:10}  {row.title}{flag}  ({row.path})")


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


# --- commands -----------------------------------------------------------------------------
@command("init")
def cmd_init(args: argparse.Namespace) -> int:
    root = Path(args.path).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    vault = Vault.init(root)
    report = vault.scan()
    for problem in report.problems.values():
        print(f"solo: warning: {problem}", file=sys.stderr)
    importlib.import_module("solo.tui.cli_reference").write_default_config(vault.root)
    print(f"Initialised vault at {vault.root} ({len(report.added)} files ingested)")
    print(f"Vault URL: {vault.url}")
    return 0


@command("add")
def cmd_add(args: argparse.Namespace) -> int:
    kind = args.kind
    if kind not in model.KINDS:
        raise UserError(f"unknown kind {kind!r}; one of: {', '.join(model.KINDS)}")
    fields: dict[str, Any] = {}
    for key, text in (("due", args.due), ("priority", args.priority), ("goal", args.goal)):
        if text:
            fields[key] = parse_assignment(kind, f"{key}={text}")[1]
    if args.tag:
        fields["tags"] = list(dict.fromkeys(args.tag))
    for assignment in args.set or []:
        key, value = parse_assignment(kind, assignment)
        fields[key] = value
    with open_vault(args) as vault:
        item = vault.create(kind, args.title, fields, args.body or "")
        if args.json:
            print_json(item_json(item))
        else:
            print(f"Added {item.kind} {item.id}: {item.path}")
    return 0


@command("list")
def cmd_list(args: argparse.Namespace) -> int:
    from solo.tui.cli_tasks import list_rows

    with open_vault(args) as vault:
        rows = list_rows(vault, args)
        if args.json:
            print_json([row_json(r) for r in rows])
        else:
            print_rows(rows)
    return 0


@command("show")
def cmd_show(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        item = vault.read(args.id)
        if args.json:
            out = item_json(item)
            if item.kind == "goal":
                out.update(goal_summary(vault, item))
            print_json(out)
        else:
            print(f"{item.title}  [{item.kind} {item.id}]  {item.path}")
            for key, value in item.fields.items():
                if key not in ("title", "kind"):
                    print(f"  {key}: {value}")
            if item.row.problem:
                print(f"  problem: {item.row.problem}")
            print()
            print(item.body.rstrip("\n"))
    return 0


_GOAL_FLAGS = ("progress", "method", "overdue", "at_risk", "reasons", "elapsed", "days_left")
_GOAL_LINKS = ("tasks", "achievements", "learning", "skills")


def goal_summary(vault: Vault, item: Item) -> dict[str, Any]:
    """A goal's progress (0–1), flags and linked items for `show --json`; the front matter
    keys (`skills`, `key_results`) keep their own values, links go under `linked_*`."""
    from solo.core.career import goal_details

    details = goal_details(vault.rows(), item.row, today())
    out = {key: details[key] for key in _GOAL_FLAGS if key in details}
    out.update({f"linked_{key}": details[key] for key in _GOAL_LINKS if key in details})
    if "key_results" in details:
        out["key_results_progress"] = details["key_results"]
    return out


@command("done")
def cmd_done(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        done, following = vault.complete(args.id, today(), force=args.force)
        print(f"Done: {done.title} ({done.path})")
        if following:
            due = following.fields.get("due") or following.fields.get("scheduled") or ""
            count = len(model.completion_dates(following.fields))
            times = "1 time" if count == 1 else f"{count} times"
            print(f"Next occurrence: {due} (same file, finished {times} so far)")
    return 0


@command("edit")
def cmd_edit(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        row = vault.resolve(args.id)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            subprocess.run([*shlex.split(editor), str(vault.abs(row.path))], check=False)
        except FileNotFoundError:
            raise UserError(f"editor {editor!r} not found; set $EDITOR") from None
        result = vault.ingest([row.path])
        problem = result.get(row.path)
        if problem:
            print(f"solo: warning: {problem}", file=sys.stderr)
    return 0


@command("search")
def cmd_search(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        hits = vault.search(args.query, args.limit)
        if args.json:
            print_json([{**row_json(h.row), "snippet": h.snippet, "score": h.score}
                        for h in hits])
        elif not hits:
            print("(no matches)")
        else:
            for hit in hits:
                print(f"{hit.row.short_id:8}  {hit.row.title}  ({hit.row.path})")
                print(f"          {hit.snippet}")
    return 0


def wait_until_stopped() -> None:
    """Block until Ctrl-C or SIGTERM (for the long-running commands)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass


@command("watch")
def cmd_watch(args: argparse.Namespace) -> int:
    from solo.core.watch import VaultWatcher
    from solo.tui.cli_sync import start_watch_sync

    with open_vault(args) as vault:
        vault.on_change(lambda paths: print("ingested: " + ", ".join(paths), flush=True))
        with VaultWatcher(vault):
            print(f"Watching {vault.root} (Ctrl-C to stop)", flush=True)
            live = start_watch_sync(vault)  # None when no remote is configured
            try:
                wait_until_stopped()
            finally:
                if live is not None:
                    live.stop()
    return 0


@command("doctor")
def cmd_doctor(args: argparse.Namespace) -> int:
    with open_vault(args, scan=False) as vault:
        report = vault.scan()
        findings = vault.doctor(repair=True)
        for line in findings:
            print(line)
        print(f"{vault.index.count()} files indexed; store {vault.store_size() / 1e6:.1f} MB; "
              f"{len(findings)} finding(s); report of this scan: +{len(report.added)} "
              f"~{len(report.changed)} -{len(report.removed)}")
    return 0


@command("tui")
def cmd_tui(args: argparse.Namespace) -> int:
    try:
        from solo.tui.app import run_app
    except ImportError:
        print("solo: the full-screen interface is not built yet; here is `solo list`:",
              file=sys.stderr)
        return cmd_list(argparse.Namespace(**{**vars(args), "kind": None, "status": None,
                                              "tag": None, "json": False}))
    return run_app(vault_path(args))


# --- parser -------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="solo", description="Solo: your one-person company, "
                                     "in plain files, in the terminal.")
    parser.add_argument("--vault", help="vault folder (default: $SOLO_VAULT or the nearest "
                        "parent holding .solo/)")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("init", help="make a folder a vault")
    p.add_argument("path")

    p = sub.add_parser("add", help="add an item")
    p.add_argument("kind", help="task, note, goal, skill, learning, achievement, resource, "
                   "review, focus")
    p.add_argument("title")
    p.add_argument("--due")
    p.add_argument("--priority", choices=["high", "medium", "low"])
    p.add_argument("--tag", action="append")
    p.add_argument("--goal")
    p.add_argument("--body")
    p.add_argument("--set", action="append", metavar="KEY=VALUE")
    p.add_argument("--json", action="store_true")

    # No -h: `-home` is a filter term (without the tag "home"), not -h with "ome".
    p = sub.add_parser("list", help="list items (open tasks unless --all), filtered",
                       add_help=False)
    p.add_argument("--help", action="help", help="show this help message and exit")
    p.add_argument("kind", nargs="?")
    p.add_argument("--status")
    p.add_argument("--tag")
    p.add_argument("--json", action="store_true")
    from solo.tui.cli_tasks import add_list_arguments
    add_list_arguments(p)

    p = sub.add_parser("show", help="show one item")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("done", help="mark a task done (a repeating one moves to its next date)")
    p.add_argument("id")
    p.add_argument("--force", action="store_true",
                   help="also finish a cancelled task, or a repeating one again today")

    p = sub.add_parser("edit", help="open an item in $EDITOR")
    p.add_argument("id")

    p = sub.add_parser("search", help="full-text search")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")

    sub.add_parser("watch", help="keep the vault ingested while editors change it")
    sub.add_parser("doctor", help="check files, store and index agree; rebuild derived data")
    sub.add_parser("tui", help="the full-screen interface (the default)")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(f"solo.tui.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"solo.tui.{name}":
                raise
            continue
        module.add_commands(sub)
    return parser


# Modules that add their own subcommands: each has `add_commands(subparsers)` and registers
# handlers with `@command(name)` from this module.
_COMMAND_MODULES = ("cli_sync", "cli_assistant", "cli_career", "cli_tasks", "cli_reference")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # `-tag` filter terms (and what follows them) look like options to argparse
        if not isinstance(getattr(args, "terms", None), list) or \
                any(e.startswith("--") for e in extra):
            parser.parse_args(argv)  # reports the unknown arguments, exit 2
        args.terms.extend(extra)
    handler = _COMMANDS[args.command or "tui"]
    try:
        return handler(args)
    except (UserError, VaultError, ConfigError) as exc:
        print(f"solo: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("SOLO_DEBUG"):
            raise
        print(f"solo: unexpected error: {type(exc).__name__}: {exc} "
              "(set SOLO_DEBUG=1 for details)", file=sys.stderr)
        return 1


def entry() -> None:
    sys.exit(main())
