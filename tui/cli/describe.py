"""Reference commands: `solo config` (settings in effect and their source) and `solo kinds [KIND]` (field schema)."""

from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from solo.core import config as solo_config
from solo.core.model import schema
from solo.tui.cli.common import UserError, print_json, vault_path


def _show(value: Any) -> str:
    return solo_config._toml(value) if value is not None else ""


def cmd_config(args: argparse.Namespace) -> int:
    path = vault_path(args) / ".solo" / "config.toml"
    from solo.tui.keys import binding_ids

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: {exc}") from None
    for line in solo_config.config_warnings(path, data, binding_ids()):
        print(f"solo: warning: {line}", file=sys.stderr)
    rows = solo_config.effective(path, os.environ)
    if args.json:
        print_json([{"key": s.key, "value": s.value, "source": s.source, "default": s.default}
                    for s in rows])
        return 0
    print(f"# {path}{'' if path.exists() else ' (missing: every value is a default)'}")
    width = max(len(s.key) for s in rows)
    for s in rows:
        print(f"{s.key:{width}}  {_show(s.value):30}  ({s.source})")
    return 0


def cmd_kinds(args: argparse.Namespace) -> int:
    try:
        items = [schema.kind(args.kind)] if args.kind else schema.kinds()
    except KeyError as exc:
        raise UserError(exc.args[0]) from None
    if args.json:
        out = [schema.as_json(k) for k in items]
        print_json(out[0] if args.kind else out)
        return 0
    if not args.kind:
        for k in items:
            own = ", ".join(f.name for f in k.fields if not f.common) or "(common fields only)"
            print(f"{k.name:12} {k.folder + '/':14} {own}")
        common = ", ".join(f.name for f in items[0].fields if f.common)
        print(f"\nEvery kind also has: {common}. `solo kinds KIND` shows one in full.")
        return 0
    k = items[0]
    print(f"{k.name} — folder {k.folder}/ (or `kind = \"{k.name}\"` in the front matter)\n")
    for f in k.fields:
        allowed = f"  one of: {', '.join(f.choices)}" if f.choices else ""
        default = f"  default {f.default}" if f.default is not None else ""
        print(f"  {f.name:14} {f.type}{allowed}{default}")
        print(f"  {'':14} {f.doc}  e.g. {f.name} = {f.example}")
    for name, doc in k.derived:
        print(f"  derived: {name} — {doc}")
    return 0


def write_default_config(root: Path) -> bool:
    """`solo init`'s hook: a commented config listing every key, unless one exists."""
    return solo_config.write_default_config(root / ".solo" / "config.toml")
