"""Item commands: `init`, `add`, `list`, `show`, `done`, `edit`, `search`, `watch`, `doctor`, `tui`."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

from solo.core import terminal
from solo.core.clock import now
from solo.core.model import kinds as model
from solo.core.vault import Item, Vault
from solo.tui.cli.common import (
    UserError,
    item_json,
    open_vault,
    parse_assignment,
    print_json,
    print_rows,
    row_json,
    today,
    vault_path,
    wait_until_stopped,
    warn_findings,
    where,
)

# --- commands -----------------------------------------------------------------------------
SUMMARY_LINES = 20
_BREAKS = re.compile(r"[\t\r\n]+")


def cmd_init(args: argparse.Namespace) -> int:
    from solo.core.engine.sweep import sweep_temp_files
    from solo.tui.cli.progress import ProgressBar

    root = Path(args.path).expanduser()
    existing = root.is_dir() and any(p.name != ".solo" for p in root.iterdir())
    root.mkdir(parents=True, exist_ok=True)
    vault = Vault.init(root)
    sweep_temp_files(vault.root, vault.lock)
    bar = ProgressBar("ingesting")
    try:
        report = vault.scan(progress=bar)
    finally:
        bar.close()
    for problem in report.problems.values():
        print(f"solo: warning: {terminal.clean(problem)}", file=sys.stderr)
    from solo.tui.cli.describe import write_default_config

    write_default_config(vault.root)
    print(f"Initialised vault at {vault.root} ({len(report.added)} files ingested)")
    print(f"Vault URL: {vault.url}")
    if existing:
        findings = [f for f in vault.maintenance.doctor(repair=False)
                    if f not in report.problems.values()]
        if findings:
            print(f"{len(findings)} thing(s) Solo did not understand (they are left as they "
                  "are; `solo doctor` lists them again):")
            for line in findings[:SUMMARY_LINES]:
                print(f"  {terminal.clean(line)}")
            if len(findings) > SUMMARY_LINES:
                print(f"  … and {len(findings) - SUMMARY_LINES} more")
    vault.close()
    return 0


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
        if args.template:  # (templates load the daily-note module; a plain add does not)
            from solo.core.planning.daily import from_template

            item = from_template(vault, args.template, kind, args.title, fields, now(),
                                 args.body or "")
        else:
            item = vault.create(kind, args.title, fields, args.body or "")
        warn_findings(vault, [item.path])
        if args.json:
            print_json(item_json(item))
        else:
            print(f"Added {item.kind} {item.id}: {item.path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from solo.tui.cli.tasks import list_rows

    with open_vault(args) as vault:
        rows = list_rows(vault, args)
        if args.json:
            print_json([row_json(r) for r in rows])
        else:
            print_rows(rows)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        item = vault.read(args.id)
        if args.json:
            out = item_json(item)
            if item.kind == "goal":
                out.update(goal_summary(vault, item))
            print_json(out)
        else:
            line = terminal.clean_line
            print(f"{line(item.title)}  [{item.kind} {item.id}]  {line(item.path)}")
            for key, value in item.fields.items():
                if key not in ("title", "kind"):
                    print(f"  {line(key)}: {line(value)}")
            if item.row.problem:
                print(f"  problem: {line(item.row.problem)}")
            print()
            print(terminal.clean(item.body.rstrip("\n")))
    return 0


_GOAL_FLAGS = ("progress", "method", "overdue", "at_risk", "reasons", "elapsed", "days_left")
_GOAL_LINKS = ("tasks", "achievements", "learning", "skills")


def goal_summary(vault: Vault, item: Item) -> dict[str, Any]:
    """A goal's progress (0–1), flags and linked items for `show --json`; the front matter
    keys (`skills`, `key_results`) keep their own values, links go under `linked_*`."""
    from solo.core.career.progress import goal_details

    details = goal_details(vault.rows(), item.row, today())
    out = {key: details[key] for key in _GOAL_FLAGS if key in details}
    out.update({f"linked_{key}": details[key] for key in _GOAL_LINKS if key in details})
    if "key_results" in details:
        out["key_results_progress"] = details["key_results"]
    return out


def cmd_done(args: argparse.Namespace) -> int:
    from solo.core.model import completion

    with open_vault(args) as vault:
        done, following = vault.complete(args.id, today(), force=args.force)
        print(f"Done: {terminal.clean_line(done.title)} ({terminal.clean_line(where(done.row))})")
        if following and "checkbox" in following.fields:
            due = following.fields.get("due") or following.fields.get("scheduled") or ""
            print(f"Next occurrence: {due} (new line {where(following.row)})")
        elif following:
            due = following.fields.get("due") or following.fields.get("scheduled") or ""
            count = len(completion.completion_dates(following.fields))
            times = "1 time" if count == 1 else f"{count} times"
            print(f"Next occurrence: {due} (same file, finished {times} so far)")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    import shlex
    import subprocess

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
            print(f"solo: warning: {terminal.clean(problem)}", file=sys.stderr)
    return 0


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
                line = terminal.clean_line
                print(f"{hit.row.short_id:8}  {line(hit.row.title)}  ({line(hit.row.path)})")
                # One line: the snippet's line breaks and tabs read as spaces (not `\x0a`);
                # every other control is still shown by `clean_line`.
                print(f"          {line(_BREAKS.sub(' ', hit.snippet))}")
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from solo.core.engine.watch import VaultWatcher
    from solo.tui.cli.sync import start_watch_sync

    with open_vault(args, lasting=True) as vault:
        def ingested(paths: list[str]) -> None:
            print("ingested: " + terminal.clean_line(", ".join(paths)), flush=True)
            warn_findings(vault, [p for p in paths if vault.mirror.is_vault_file(p)])

        vault.on_change(ingested)
        with VaultWatcher(vault):
            print(f"Watching {vault.root} (Ctrl-C to stop)", flush=True)
            live = start_watch_sync(vault)  # None when no remote is configured
            try:
                wait_until_stopped()
            finally:
                if live is not None:
                    live.stop()
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """Repair what stops the vault opening, then check and repair it; exit 1 on findings."""
    from solo.core.engine.doctor import repair_layout
    from solo.core.engine.sweep import sweep_temp_files
    from solo.core.vault import SOLO_DIR, NotAVault
    from solo.tui.cli.progress import ProgressBar

    root = vault_path(args)
    repair = not args.check
    findings = repair_layout(root / SOLO_DIR) if repair and (root / SOLO_DIR).is_dir() else []
    try:
        vault = Vault(root)
    except NotAVault:
        raise
    with vault:
        for line in vault.config.warnings:
            findings.append(f"{vault.config_path}: {line}")
        if repair:
            swept = sweep_temp_files(vault.root, vault.lock)
            if swept:
                print(f"removed {len(swept)} temp file(s) killed runs left behind",
                      file=sys.stderr)
        bar = ProgressBar("checking")
        try:
            findings += vault.doctor(repair=repair, full=args.full, progress=bar)
        finally:
            bar.close()
        for line in findings:
            print(terminal.clean(line))
        print(f"{vault.index.count()} files indexed; store {vault.store.size_bytes() / 1e6:.1f} MB; "
              f"{len(findings)} finding(s)")
    return 1 if findings else 0


def cmd_tui(args: argparse.Namespace) -> int:
    try:
        from solo.tui.app import run_app
    except ImportError:
        print("solo: the full-screen interface is not built yet; here is `solo list`:",
              file=sys.stderr)
        return cmd_list(argparse.Namespace(**{**vars(args), "kind": None, "status": None,
                                              "tag": None, "json": False}))
    return run_app(vault_path(args))


def cmd_deletes(args: argparse.Namespace) -> int:
    """List the deletions a sync round held back; `--apply` confirms and applies them."""
    from solo.core.engine.replica import Replica

    with open_vault(args) as vault:
        replica = Replica(vault, remote="")
        try:
            if args.apply:
                done = replica.apply_held_deletes()
                for path in done:
                    print(f"deleted: {terminal.clean_line(path)}")
                print(f"{len(done)} file(s) deleted")
            else:
                held = replica.held_deletes()
                for path in held:
                    print(terminal.clean_line(path))
                print(f"{len(held)} deletion(s) held back" + (
                    "; `solo deletes --apply` applies them" if held else ""))
        finally:
            replica.close()
    return 0
