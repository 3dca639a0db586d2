"""The parser built for one named command reads its arguments exactly as the whole parser
does, and every case it cannot be sure of (help, typos, options first) gets the whole one."""

from __future__ import annotations

import argparse
import contextlib
import io

import pytest

from solo.tui.cli import COMMANDS, build_parser, command_named

ARGVS = [
    ["list"], ["list", "task", "+next", "-home", "--sort", "due-"], ["--vault", "/v", "list"],
    ["--vault=/v", "show", "ab12", "--json"], ["show", "tasks/a.md"], ["search", "kiwi", "--json"],
    ["add", "task", "Pay rent", "--due", "friday", "--tag", "home", "--set", "x=1"],
    ["done", "ab12"], ["--vault", "list", "show", "x"], ["next", "+work"], ["doctor", "--check"],
    ["config"], ["sync", "--once"], ["report", "goals"], ["done", "a", "b", "--bogus"],
]


def parse(parser: argparse.ArgumentParser, argv: list[str]) -> tuple[object, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            result: object = parser.parse_known_args(argv)
        except SystemExit as exc:
            result = ("exit", exc.code)
    return result, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_one_command_parser_reads_as_the_whole_one(argv: list[str]) -> None:
    name = command_named(argv)
    assert name is not None and name in {spec.name for spec in COMMANDS}
    assert parse(build_parser(name), argv) == parse(build_parser(), argv)


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"], ["lsit"], ["--vault"], ["--vaul", "/v",
                                  "list"], ["--", "list"], ["-x", "list"]], ids=" ".join)
def test_the_whole_parser_reads_what_is_not_certain(argv: list[str]) -> None:
    assert command_named(argv) is None


@pytest.mark.parametrize("argv", [["show"], ["add", "task"], ["list", "--limit", "x"],
                                  ["show", "--help"]], ids=" ".join)
def test_errors_and_help_of_a_command_read_the_same(argv: list[str]) -> None:
    name = command_named(argv)
    assert name is not None
    slim, whole = parse(build_parser(name), argv), parse(build_parser(), argv)
    assert slim == whole and slim[0][0] == "exit"
