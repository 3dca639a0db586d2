"""`solo links` and `solo backlinks`: an item's outgoing links and every link to it, from the link index."""

from __future__ import annotations

import argparse

from solo.tui.cli.common import open_vault, print_json


def cmd_links(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        row = vault.resolve(args.id)
        found = vault.links(row)
        if args.json:
            print_json([link.as_json() for link in found])
        elif not found:
            print(f"(no links in {row.path})")
        else:
            for link in found:
                print(f"{row.path}:{link.line}  {link.text}  → {link.resolved or '(unresolved)'}")
    return 0


def cmd_backlinks(args: argparse.Namespace) -> int:
    with open_vault(args) as vault:
        row = vault.resolve(args.id)
        found = vault.backlinks(row)
        if args.json:
            print_json([link.as_json() for link in found])
        elif not found:
            print(f"(nothing links to {row.path})")
        else:
            for link in found:
                print(f"{link.src}:{link.line}  {link.line_text.strip()}")
    return 0
