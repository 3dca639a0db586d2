"""History and timer commands: `undo`, `log`, `restore`, `start`, `stop`."""

from __future__ import annotations

import argparse

from solo.core.career.progress import Refs, ref_list, stem
from solo.core.engine import history
from solo.core.planning import focus
from solo.tui.cli.common import UserError, open_vault, print_json
from solo.tui.cli.tasks import now


def cmd_undo(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        try:
            result = history.undo(vault)
        except history.HistoryError as exc:
            raise UserError(str(exc)) from None
    print(result.message)
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        try:
            found, entries = history.log(vault, args.id)
        except history.HistoryError as exc:
            raise UserError(str(exc)) from None
    if args.json:
        print_json({"doc_id": found.doc_id, "path": found.path, "title": found.title,
                    "deleted": found.deleted, "changes": [e.as_json() for e in entries]})
        return 0
    state = " (deleted; `solo restore` brings it back)" if found.deleted else ""
    print(f"{found.title} ({found.path}){state}")
    for entry in entries:
        when = entry.at.replace("T", " ")[:16] if entry.at else "time not recorded"
        what = f"{entry.action}: " if entry.action else ""
        print(f"{entry.number:>4}  {entry.hash[:8]}  {when:17}  {entry.device:15}  "
              f"{what}{', '.join(entry.fields) or '(no visible change)'}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        try:
            found, message = history.restore(vault, args.ref, args.at)
        except history.HistoryError as exc:
            raise UserError(str(exc)) from None
    if args.json:
        print_json({"doc_id": found.doc_id, "path": found.path, "title": found.title,
                    "message": message})
    else:
        print(message)
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        task = vault.resolve(args.id)
        if task.kind != "task":
            raise UserError(f"{task.path} is a {task.kind}, not a task")
        refs = Refs(vault.rows())
        attributed = focus.attribution(stem(task), refs)
        try:
            timer = focus.start_timer(vault.solo_dir, stem(task), task.title, now())
        except focus.TimerError as exc:
            raise UserError(str(exc)) from None
    goal = f" (goal: {attributed.goal_title})" if attributed.goal_title else ""
    print(f"Started {timer.title}{goal} at {timer.start:%H:%M}; `solo stop` when done")
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        try:
            stopped = focus.stop_timer(vault, now(), note=args.note or "")
        except focus.TimerError as exc:
            raise UserError(str(exc)) from None
        if stopped is None:
            raise UserError("no timer is running (`solo start ID`)")
        goal = ""
        if stopped.minutes:
            refs = Refs(vault.rows())
            task = refs.get(stopped.timer.task)
            goals = ref_list(task.fields.get("goal")) if task is not None else []
            goal = f"; counted for goal {goals[0]}" if goals else ""
    print(stopped.message + goal)
    return 0
