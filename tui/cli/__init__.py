"""The `solo` command line: the parser from the command table, and the entry point.

Exit codes: 0 success, 1 a user error (one line on stderr, no traceback), 2 bad usage.
Set SOLO_DEBUG=1 to see tracebacks of unexpected failures.

The parser is built from `solo.tui.cli.table.COMMANDS` alone; a command's module
(`items`, `sync`, `career`, `assistant`) is imported only when that command runs, so
`solo --help` and `solo list` never load the assistant, the sync engine or Textual.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from solo.core.engine.gcpause import gc_paused
from solo.tui.cli.table import COMMANDS, CommandSpec

Handler = Callable[[argparse.Namespace], int]

__all__ = ["COMMANDS", "CommandSpec", "Handler", "build_parser", "command_named", "entry", "main",
           "resolve"]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or with `only`, of that one command alone (the other
    fifty cost a command-line call about ten milliseconds to build)."""
    parser = argparse.ArgumentParser(prog="solo", description="Solo: your one-person company, "
                                     "in plain files, in the terminal.")
    parser.add_argument("--vault", help="vault folder (default: $SOLO_VAULT or the nearest "
                        "parent holding .solo/)")
    sub = parser.add_subparsers(dest="command")
    for spec in COMMANDS:
        if only is not None and spec.name != only:
            continue
        command = sub.add_parser(spec.name, help=spec.help, add_help=not spec.takes_terms)
        if spec.takes_terms:
            command.add_argument("--help", action="help", help="show this help message and exit")
        spec.arguments(command)
    return parser


def _spec(name: str) -> CommandSpec:
    return next(spec for spec in COMMANDS if spec.name == name)


def resolve(name: str) -> Handler:
    """The function that runs command `name`, imported from its `module:function` target."""
    spec = _spec(name)
    module_name, _, func_name = spec.target.partition(":")
    handler: Handler = getattr(importlib.import_module(module_name), func_name)
    return handler


def _is_user_error(exc: BaseException) -> bool:
    """A problem the user can fix (printed as one line)? Imported only once one is raised."""
    from solo.core.config import ConfigError
    from solo.core.vault import VaultError
    from solo.tui.cli.common import UserError

    return isinstance(exc, UserError | VaultError | ConfigError)


_NAMES = frozenset(spec.name for spec in COMMANDS)


def command_named(argv: Sequence[str]) -> str | None:
    """The command `argv` runs when that is certain before parsing (`--vault PATH` and then
    a command's name), else None: then the whole parser reads it (help, typos, options)."""
    position = 0
    while position < len(argv):
        word = argv[position]
        if word == "--vault":
            position += 2
        elif word.startswith("--vault="):
            position += 1
        else:
            return word if word in _NAMES else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(command_named(words))
    args, extra = parser.parse_known_args(words)
    if extra:  # `-tag` filter terms (and what follows them) look like options to argparse
        if not isinstance(getattr(args, "terms", None), list) or \
                any(e.startswith("--") for e in extra):
            build_parser().parse_args(words)  # reports the unknown arguments, exit 2
        args.terms.extend(extra)
    name = args.command or "tui"
    # A brief command frees what it builds by reference counting: collections would only
    # walk the rows it just read (enabled again after: tests and the TUI run commands in
    # one process).
    with gc_paused() if _spec(name).brief else contextlib.nullcontext():
        return _run(name, args)


def _run(name: str, args: argparse.Namespace) -> int:
    try:
        return resolve(name)(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if _is_user_error(exc):
            print(f"solo: {exc}", file=sys.stderr)
            return 1
        if os.environ.get("SOLO_DEBUG"):
            raise
        print(f"solo: unexpected error: {type(exc).__name__}: {exc} "
              "(set SOLO_DEBUG=1 for details)", file=sys.stderr)
        return 1


def entry() -> None:
    sys.exit(main())


def __getattr__(name: str) -> Any:
    """`solo.tui.cli.today`, `.UserError`, `.open_vault`, …: the helpers of `common`, loaded
    on first use (older imports keep working without making the parser heavier)."""
    if name.startswith("__"):
        raise AttributeError(name)
    # Not `from solo.tui.cli import common`: that asks this function for `common` again
    # (as does `from solo.tui.cli import items` before `common` is loaded) without end.
    common = importlib.import_module("solo.tui.cli.common")
    try:
        return getattr(common, name)
    except AttributeError:
        raise AttributeError(f"module 'solo.tui.cli' has no attribute {name!r}") from None
