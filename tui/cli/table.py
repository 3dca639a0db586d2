"""The `solo` command table: each subcommand's name, help, arguments and where it lives.

This module imports only `argparse`: building the parser (and `solo --help`) never loads a
command's implementation. A command's module is imported when that command runs.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

AddArguments = Callable[[argparse.ArgumentParser], None]


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """For commands that take no arguments."""


class CommandSpec(NamedTuple):
    """One `solo` subcommand: `target` is `"module:function"`, imported only to run it.

    (A named tuple, not a dataclass: the parser and `--help` then load no `dataclasses`.)"""

    name: str
    help: str
    target: str
    arguments: AddArguments = _no_arguments
    # Commands that take Taskwarrior filter terms have no `-h`: `-home` is a term (not the
    # tag "home"), not -h followed by "ome". They keep `--help`.
    takes_terms: bool = False
    # A brief command reads or changes a few items and exits, so it runs without the cyclic
    # garbage collector: it frees what it builds by reference counting, and a collection
    # would only walk the thousands of rows it just read (a tenth of a 10,000-note list).
    brief: bool = False


# --- items ----------------------------------------------------------------------------------
def _init(p: argparse.ArgumentParser) -> None:
    p.add_argument("path")


def _doctor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--full", action="store_true",
                   help="load every document and compare it with its file (slower)")
    p.add_argument("--check", action="store_true", help="report only; repair nothing")


def _deletes(p: argparse.ArgumentParser) -> None:
    p.add_argument("--apply", action="store_true", help="apply the held-back deletions")


def _add(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", help="task, note, goal, skill, learning, achievement, resource, "
                   "review, focus, block, person, post")
    p.add_argument("title")
    p.add_argument("--due")
    p.add_argument("--priority", choices=["high", "medium", "low"])
    p.add_argument("--tag", action="append")
    p.add_argument("--goal")
    p.add_argument("--body")
    p.add_argument("--set", action="append", metavar="KEY=VALUE")
    p.add_argument("--template", metavar="NAME",
                   help="start from templates/NAME.md ({{date}}, {{time}}, {{title}} filled in)")
    p.add_argument("--json", action="store_true")


def _list(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", nargs="?")
    p.add_argument("--status")
    p.add_argument("--tag")
    p.add_argument("--json", action="store_true")
    p.add_argument("terms", nargs="*", metavar="FILTER",
                   help="+tag -tag project:x status:a,b due.before:eow +OVERDUE words…")
    p.add_argument("--all", action="store_true", help="closed and waiting tasks too")
    p.add_argument("--sort", metavar="KEY[-]", help="due, priority, urgency, title…; "
                   "a trailing - sorts descending")
    p.add_argument("--limit", type=int, metavar="N")


def _show(p: argparse.ArgumentParser) -> None:
    p.add_argument("id")
    p.add_argument("--json", action="store_true")


def _done(p: argparse.ArgumentParser) -> None:
    p.add_argument("id")
    p.add_argument("--force", action="store_true",
                   help="also finish a cancelled task, or a repeating one again today")


def _edit(p: argparse.ArgumentParser) -> None:
    p.add_argument("id")


def _search(p: argparse.ArgumentParser) -> None:
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")


# --- tasks ----------------------------------------------------------------------------------
CONFIRM_ABOVE = 3  # `solo modify` asks before changing more items than this


def _next(p: argparse.ArgumentParser) -> None:
    p.add_argument("terms", nargs="*", metavar="FILTER")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")


def _import(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", choices=["taskwarrior"])
    p.add_argument("file", help="`task export` output, or - for standard input")
    p.add_argument("--json", action="store_true")


def _export(p: argparse.ArgumentParser) -> None:
    p.add_argument("terms", nargs="*", metavar="FILTER")
    p.add_argument("--format", choices=["taskwarrior", "json", "ics"], default="json")
    p.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")


def _modify(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", help='an id, path, file name, alias or title, or filter terms in quotes '
                   '("+home project:x")')
    p.add_argument("changes", nargs="*", metavar="CHANGE",
                   help="key=value, key: (clears it), +tag, -tag; depends:ID,ID; wait:DATE")
    p.add_argument("--yes", action="store_true", help="do not ask before changing more "
                   f"than {CONFIRM_ABOVE} items")
    p.set_defaults(terms=[])


def _annotate(p: argparse.ArgumentParser) -> None:
    p.add_argument("id")
    p.add_argument("text", nargs="+")


def _delete(p: argparse.ArgumentParser) -> None:
    p.add_argument("id")
    p.add_argument("--yes", action="store_true")


# --- reference ------------------------------------------------------------------------------
def _config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a list of {key, value, source}")


def _kinds(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", nargs="?", help="show one kind's fields in full")
    p.add_argument("--json", action="store_true")


# --- sync -----------------------------------------------------------------------------------
def default_server_data() -> Path:
    """Where `solo serve` keeps documents by default: `$XDG_DATA_HOME/solo/server`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "solo" / "server"


def _remote(p: argparse.ArgumentParser) -> None:
    remote_sub = p.add_subparsers(dest="remote_command")
    q = remote_sub.add_parser("add", help="add a sync server (ws:// or wss:// URL)")
    q.add_argument("url")
    q.add_argument("--token")
    q.add_argument("--ca", help="verify a wss:// server by this CA certificate file "
                   "(default: the system's store)")
    remote_sub.add_parser("list", help="list the sync servers")
    q = remote_sub.add_parser("remove", help="forget a sync server")
    q.add_argument("url")


def _sync(p: argparse.ArgumentParser) -> None:
    p.add_argument("--once", action="store_true", help="one round, then exit")
    p.add_argument("--full", action="store_true",
                   help="sync every document, not only those changed since the last sync")
    p.add_argument("--ca", help="verify wss:// servers by this CA certificate file this time "
                   "(default: each remote's own, else the system's store)")


def _clone(p: argparse.ArgumentParser) -> None:
    p.add_argument("server_url")
    p.add_argument("automerge_url")
    p.add_argument("path")
    p.add_argument("--token")
    p.add_argument("--ca", help="verify a wss:// server by this CA certificate file "
                   "(kept with the remote; default: the system's store)")


def _serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3030)
    p.add_argument("--data", help=f"where documents are kept (default {default_server_data()})")
    p.add_argument("--token", help="require this token (or set $SOLO_SERVER_TOKEN)")
    p.add_argument("--tls-cert", help="serve wss:// with this certificate (chain) file")
    p.add_argument("--tls-key", help="the private key of --tls-cert")


# --- assistant ------------------------------------------------------------------------------
def _ask(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", nargs="+", help="the question (quotes optional)")
    p.add_argument("--model", help="chat model (default: [assistant] model in the config)")
    p.add_argument("--embed", action="store_true",
                   help="first embed every chunk that has no vector yet (hybrid retrieval)")
    p.add_argument("--json", action="store_true", help="print the answer and sources as JSON")


# --- career ---------------------------------------------------------------------------------
# Nested actions name their handler in `solo.tui.cli.career` as a string (`career_handler`),
# so the parser stays free of the career modules.
TIME_REPORT_WEEKS = 4


def _report(p: argparse.ArgumentParser) -> None:
    reports = p.add_subparsers(dest="report_command", required=True)
    for name, handler, help_text in (
            ("goals", "report_goals", "goal progress, overdue and at-risk goals"),
            ("skills", "report_skills", "skills matrix: level vs target, evidence, gaps"),
            ("learning", "report_learning", "learning plan and what was invested per year"),
            ("spend", "report_spend", "stack and learning costs per month and year, renewals")):
        q = reports.add_parser(name, help=help_text)
        q.add_argument("--json", action="store_true")
        q.set_defaults(career_handler=handler)
    q = reports.add_parser("brag", help="achievements by goal, learning and certifications")
    q.add_argument("--since", help="first day (default: one year before --until)")
    q.add_argument("--until", help="last day (default: today)")
    q.add_argument("--format", choices=["md", "html", "json"], default="md")
    q.add_argument("--private", action="store_true", help="include private items")
    q.set_defaults(career_handler="report_brag")
    q = reports.add_parser("time", help="focus time per day, task, goal and skill; weekly cap")
    q.add_argument("--since", help=f"first day (default: Monday {TIME_REPORT_WEEKS - 1} weeks "
                   "before this week's)")
    q.add_argument("--until", help="last day (default: today)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(career_handler="report_time")


def _focus(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="focus_command", required=True)
    q = actions.add_parser("log", help="record time spent on a task away from the timer")
    q.add_argument("id", help="task id, path, file name, alias or title")
    q.add_argument("--minutes", required=True, help="e.g. 50, 1h30")
    q.add_argument("--date", help="day of the work (default: today)")
    q.add_argument("--at", help="start time HH:MM (default: just now, or the working day's "
                   "start for another day)")
    q.add_argument("--note", help="what was done (the session's body)")
    q.set_defaults(career_handler="focus_log")
    q = actions.add_parser("start", help="start the focus timer on a task, or on a time block (its task and goal)")
    q.add_argument("id")
    q.set_defaults(career_handler="focus_start")
    q = actions.add_parser("stop", help="stop the timer and log the session")
    q.add_argument("--note", help="what was done (the session's body)")
    q.add_argument("--discard", action="store_true", help="drop the running session")
    q.set_defaults(career_handler="focus_stop")
    q = actions.add_parser("status", help="show the running timer")
    q.add_argument("--json", action="store_true")
    q.set_defaults(career_handler="focus_status")


def _review(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="review_command", required=True)
    q = actions.add_parser("new", help="write this week's review draft")
    q.add_argument("--week", help="ISO week YYYY-Www (default: this week)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(career_handler="review_new")


def _daily(p: argparse.ArgumentParser) -> None:
    p.add_argument("date", nargs="*", help="today (default), yesterday, fri, 2026-12-01, -1d…")
    p.add_argument("--print", action="store_true",
                   help="print the note's path (created if missing) instead of opening $EDITOR")


# --- history and the task timer ---------------------------------------------------------------


def _log(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="id, path, file name, alias or title (a deleted item's too)")
    p.add_argument("--json", action="store_true")


def _restore(p: argparse.ArgumentParser) -> None:
    p.add_argument("ref", metavar="PATH|ID", help="a deleted item, or any item with --at")
    p.add_argument("--at", metavar="TIME", help="an earlier version: a change number or hash "
                   "from `solo log`, or a time this device recorded (e.g. yesterday, 'mon 9:00')")
    p.add_argument("--json", action="store_true")


def _start(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="the task (the timer `solo focus` shares)")


def _stop(p: argparse.ArgumentParser) -> None:
    p.add_argument("--note", help="what was done (the session's body)")


def _links(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="an id, path, file name, alias or title")
    p.add_argument("--json", action="store_true")


# --- plan, people, posts --------------------------------------------------------------------


def _plan(p: argparse.ArgumentParser) -> None:
    p.add_argument("words", nargs="*", metavar="DATE | add SPAN TITLE | move ID SPAN | remove ID",
                   help="a day to show (default today), or add/move/remove a block")
    p.add_argument("--task", help="task the block is for (add)")
    p.add_argument("--goal", help="goal the block serves (add)")
    p.add_argument("--kind", choices=["focus", "meeting", "admin", "break", "learning"],
                   help="what the block is for (add; default focus)")
    p.add_argument("--date", help="day of the block (add, move; default today)")
    p.add_argument("--json", action="store_true")


def _people(p: argparse.ArgumentParser) -> None:
    p.add_argument("--due", action="store_true", help="only those due a catch-up")
    p.add_argument("--json", action="store_true")


def _posts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")


# --- the table (order = order in `solo --help`) ----------------------------------------------
ITEMS = "solo.tui.cli.items"
SYNC = "solo.tui.cli.sync"
CAREER = "solo.tui.cli.career"
ASSISTANT = "solo.tui.cli.assistant"
TASKS = "solo.tui.cli.tasks"
DESCRIBE = "solo.tui.cli.describe"
HISTORY = "solo.tui.cli.history"
LINKS = "solo.tui.cli.links"
PLAN = "solo.tui.cli.plan"
PEOPLE = "solo.tui.cli.people"

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("init", "make a folder a vault", f"{ITEMS}:cmd_init", _init),
    CommandSpec("add", "add an item", f"{ITEMS}:cmd_add", _add, brief=True),
    CommandSpec("list", "list items (open tasks unless --all), filtered", f"{ITEMS}:cmd_list",
                _list, takes_terms=True, brief=True),
    CommandSpec("show", "show one item", f"{ITEMS}:cmd_show", _show, brief=True),
    CommandSpec("done", "mark a task done (a repeating one moves to its next date)",
                f"{ITEMS}:cmd_done", _done, brief=True),
    CommandSpec("edit", "open an item in $EDITOR", f"{ITEMS}:cmd_edit", _edit),
    CommandSpec("search", "full-text search", f"{ITEMS}:cmd_search", _search, brief=True),
    CommandSpec("watch", "keep the vault ingested while editors change it",
                f"{ITEMS}:cmd_watch"),
    CommandSpec("doctor", "check files, store and index agree; repair damage (exit 1: problems)",
                f"{ITEMS}:cmd_doctor", _doctor),
    CommandSpec("deletes", "deletions a sync round held back (too many at once); --apply",
                f"{ITEMS}:cmd_deletes", _deletes),
    CommandSpec("tui", "the full-screen interface (the default)", f"{ITEMS}:cmd_tui"),
    CommandSpec("next", "open tasks by urgency (Taskwarrior's next report)",
                f"{TASKS}:cmd_next", _next, takes_terms=True, brief=True),
    CommandSpec("modify", "change fields and tags of a task, or of every task a filter "
                "matches", f"{TASKS}:cmd_modify", _modify, takes_terms=True),
    CommandSpec("annotate", "append a dated line to an item's body", f"{TASKS}:cmd_annotate",
                _annotate),
    CommandSpec("delete", "delete an item's file (asks first)", f"{TASKS}:cmd_delete", _delete),
    CommandSpec("import", "import tasks from another tool (taskwarrior)", f"{TASKS}:cmd_import",
                _import),
    CommandSpec("export", "export tasks as Taskwarrior JSON, JSON or iCalendar",
                f"{TASKS}:cmd_export", _export, takes_terms=True),
    CommandSpec("config", "show the settings in effect and where each comes from",
                f"{DESCRIBE}:cmd_config", _config),
    CommandSpec("kinds", "list the kinds of item and their fields", f"{DESCRIBE}:cmd_kinds",
                _kinds),
    CommandSpec("share", "print the vault's automerge: URL (what `solo clone` needs)",
                f"{SYNC}:cmd_share"),
    CommandSpec("remote", "manage the sync servers of this vault", f"{SYNC}:cmd_remote",
                _remote),
    CommandSpec("sync", "sync with the configured servers (live until Ctrl-C)",
                f"{SYNC}:cmd_sync", _sync),
    CommandSpec("clone", "join a vault from a server on a new device", f"{SYNC}:cmd_clone",
                _clone),
    CommandSpec("serve", "run a sync server (automerge-repo protocol)", f"{SYNC}:cmd_serve",
                _serve),
    CommandSpec("ask", "ask the private assistant about your vault (Ollama)",
                f"{ASSISTANT}:cmd_ask", _ask),
    CommandSpec("report", "career reports: goals, skills, learning, brag, spend, time",
                f"{CAREER}:cmd_report", _report),
    CommandSpec("focus", "focus sessions: log, start, stop, status", f"{CAREER}:cmd_focus",
                _focus),
    CommandSpec("review", "weekly reviews", f"{CAREER}:cmd_review", _review),
    CommandSpec("daily", "open a day's note in $EDITOR (created from its template if missing)",
                "solo.tui.cli.daily:cmd_daily", _daily),
    CommandSpec("undo", "revert the last change made through Solo on this device (again: the "
                "one before)", f"{HISTORY}:cmd_undo"),
    CommandSpec("log", "an item's history: when, which device, which fields",
                f"{HISTORY}:cmd_log", _log),
    CommandSpec("restore", "bring back a deleted item, or an earlier version (--at)",
                f"{HISTORY}:cmd_restore", _restore),
    CommandSpec("start", "start the focus timer on a task", f"{HISTORY}:cmd_start", _start),
    CommandSpec("stop", "stop the timer and log the minutes on its task",
                f"{HISTORY}:cmd_stop", _stop),
    CommandSpec("links", "an item's outgoing links and the file each resolves to",
                f"{LINKS}:cmd_links", _links),
    CommandSpec("backlinks", "every item linking to an item, with the line",
                f"{LINKS}:cmd_backlinks", _links),
    CommandSpec("plan", "a day in time blocks: show, add, move, remove", f"{PLAN}:cmd_plan",
                _plan),
    CommandSpec("people", "your network: last contact, catch-ups due by cadence",
                f"{PEOPLE}:cmd_people", _people),
    CommandSpec("posts", "the content calendar: posts by status, this month's published",
                f"{PEOPLE}:cmd_posts", _posts),
)
