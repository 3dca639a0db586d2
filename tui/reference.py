"""Generates docs/reference.md from the code: kinds and fields, every CLI command and option, every setting.

Run `python -m solo.tui.reference > docs/reference.md`; a test fails when the file is stale.
"""

from __future__ import annotations

import argparse
import sys

from solo.core import config as solo_config
from solo.core.model import schema


def _metavar(action: argparse.Action) -> str:
    """An argument's metavar as one string (argparse allows a tuple for several values)."""
    meta = action.metavar
    return " ".join(meta) if isinstance(meta, tuple) else (meta or "")


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def kinds_section() -> list[str]:
    out = ["## Kinds and fields", "",
           "The kind comes from the `kind` key, else the item's first folder, else note. Every "
           "kind has the common fields; keys Solo does not know are kept as they are.", ""]
    common = [f for f in schema.kinds()[0].fields if f.common]
    out += ["### Common fields", "", "| field | type | meaning | example |", "|---|---|---|---|"]
    out += [f"| `{f.name}` | {f.type} | {_cell(f.doc)} | `{_cell(f.example)}` |" for f in common]
    out.append("")
    for k in schema.kinds():
        out += [f"### {k.name}", "", f"Folder `{k.folder}/`.", ""]
        own = [f for f in k.fields if not f.common]
        if own:
            out += ["| field | type | allowed values | meaning | example |", "|---|---|---|---|---|"]
            for f in own:
                allowed = ", ".join(f"`{c}`" for c in f.choices)
                if f.default is not None:
                    allowed += f" (default `{f.default}`)"
                out.append(f"| `{f.name}` | {f.type} | {allowed} | {_cell(f.doc)} | "
                           f"`{_cell(f.example)}` |")
            out.append("")
        else:
            out += ["Only the common fields.", ""]
        if k.derived:
            out += ["Derived (computed by Solo, never stored):", ""]
            out += [f"- **{name}**: {doc}" for name, doc in k.derived]
            out.append("")
    return out


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _helps(parser: argparse.ArgumentParser) -> dict[str, str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {a.dest: a.help or "" for a in action._choices_actions}
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        if action.option_strings:
            name = ", ".join(action.option_strings)
            if action.nargs != 0:
                name += f" {_metavar(action) or action.dest.upper()}"
        else:
            name = _metavar(action) or action.dest
            if action.nargs in ("?", "*"):
                name = f"[{name}]"
        extra = []
        if action.choices and not isinstance(action.choices, dict):
            extra.append("one of " + ", ".join(map(str, action.choices)))
        if action.default not in (None, False, argparse.SUPPRESS) and action.option_strings:
            extra.append(f"default {action.default}")
        if isinstance(action, argparse._AppendAction):
            extra.append("repeatable")
        text = _cell(action.help or "")
        if extra:
            text = f"{text} ({'; '.join(extra)})" if text else "; ".join(extra)
        out.append(f"- `{name}`" + (f": {text}" if text else ""))
    return out


def _commands(parser: argparse.ArgumentParser, prefix: str, out: list[str], depth: int) -> None:
    helps = _helps(parser)
    for name, child in _subparsers(parser).items():
        full = f"{prefix} {name}"
        out += [f"{'#' * depth} `{full}`", ""]
        if helps.get(name):
            out += [helps[name][0].upper() + helps[name][1:] + ".", ""]
        options = _options(child)
        if options:
            out += [*options, ""]
        _commands(child, full, out, min(depth + 1, 6))


def cli_section(parser: argparse.ArgumentParser) -> list[str]:
    out = ["## Command line", "",
           "Exit codes: 0 success, 1 a user error (one line on stderr), 2 bad usage. "
           "`--json` prints machine-readable output where offered.", "",
           "Global options:", "", *_options(parser), ""]
    _commands(parser, "solo", out, 3)
    return out


def config_section() -> list[str]:
    out = ["## Configuration", "",
           "`.solo/config.toml` inside the vault (`solo init` writes it with every key commented "
           "out). `solo config` prints the values in effect and where each came from; unknown "
           "keys get a warning naming the closest known one.", "",
           "| key | default | meaning | environment |", "|---|---|---|---|"]
    for s in solo_config.settings():
        default = "" if s.default is None else f"`{_cell(solo_config._toml(s.default))}`"
        env = solo_config.ENVIRONMENT.get(s.key, "")
        out.append(f"| `{s.key}` | {default} | {_cell(s.doc)} | {f'`{env}`' if env else ''} |")
    out += ["", "Other environment variables: `SOLO_VAULT` (the vault when `--vault` is not "
            "given), `EDITOR`/`VISUAL` (for `solo edit` and `e`), `NO_COLOR`, `SOLO_DEBUG=1` "
            "(tracebacks).", ""]
    from solo.tui.keys import binding_ids

    out += ["Binding ids for `[keys]`: " + ", ".join(f"`{i}`" for i in binding_ids()) + ".", ""]
    return out


def render(parser: argparse.ArgumentParser | None = None) -> str:
    """The whole reference as Markdown."""
    if parser is None:
        from solo.tui.cli import build_parser

        parser = build_parser()
    lines = ["# Solo reference", "",
             "Generated from the code by `python -m solo.tui.reference > docs/reference.md`; "
             "do not edit by hand. The user guide is [guide.md](guide.md).", "",
             *kinds_section(), *cli_section(parser), *config_section()]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
