"""`solo links` and `solo backlinks`: an item's outgoing links and every link to it, from the link index."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from solo.tui.cli.common import open_vault, print_json

if TYPE_CHECKING:
    from solo.core.engine.index import Row
    from solo.core.engine.linkindex import Link
    from solo.core.vault import Vault


def _print_links(args: argparse.Namespace, find: Callable[[Vault, Row], list[Link]],
                 none: str, line: Callable[[Row, Link], str]) -> int:
    """Resolve `args.id`, find its links, print them as JSON, as `line`s, or `none`."""
    with open_vault(args) as vault:
        row = vault.resolve(args.id)
        found = find(vault, row)
        if args.json:
            print_json([link.as_json() for link in found])
        elif not found:
            print(none.format(path=row.path))
        else:
            for link in found:
                print(line(row, link))
    return 0


def cmd_links(args: argparse.Namespace) -> int:
    return _print_links(
        args, lambda vault, row: vault.links.outgoing(row), "(no links in {path})",
        lambda row, link: f"{row.path}:{link.line}  {link.text}  → {link.resolved or '(unresolved)'}")


def cmd_backlinks(args: argparse.Namespace) -> int:
    return _print_links(
        args, lambda vault, row: vault.links.backlinks(row), "(nothing links to {path})",
        lambda row, link: f"{link.src}:{link.line}  {link.line_text.strip()}")
