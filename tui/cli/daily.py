"""`solo daily [DATE]`: open (creating it from its template when missing) a day's note."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys

from solo.core import clock
from solo.core.model.dates import parse_date
from solo.core.planning.daily import open_daily
from solo.tui.cli.common import UserError, open_vault, today


def cmd_daily(args: argparse.Namespace) -> int:
    """Print the note's path (`--print`) or open it in $VISUAL / $EDITOR (then ingest it)."""
    day = today()
    if args.date:
        try:
            day = parse_date(" ".join(args.date), day)
        except ValueError as exc:
            raise UserError(f"daily: {exc}") from None
    with open_vault(args) as vault:
        note = open_daily(vault, day, clock.now())
        if args.print:
            print(note.path)
            return 0
        if note.created:
            print(f"Created {note.path}", file=sys.stderr)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        try:
            subprocess.run([*shlex.split(editor), str(vault.abs(note.path))], check=False)
        except FileNotFoundError:
            raise UserError(f"editor {editor!r} not found; set $EDITOR "
                            f"(the note is {note.path})") from None
        problem = vault.ingest([note.path]).get(note.path)
        if problem:
            print(f"solo: warning: {problem}", file=sys.stderr)
    return 0
