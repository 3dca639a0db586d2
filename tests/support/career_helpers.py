"""Hand-written vaults for the career tests: write Markdown files with TOML front matter, scan, return rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from solo.core.engine.index import Row
from solo.core.vault import Vault

TODAY = dt.date(2026, 11, 26)  # a Thursday, ISO week 2026-W48


from support.solo_cli import run_solo, solo_env  # noqa: E402,F401  (re-exported)

CLI_ENV = solo_env(SOLO_TODAY=TODAY.isoformat())


def solo(root: Path, *args: str, now: str | None = None) -> str:
    """Run `solo --vault ROOT ARGS` on TODAY (and `now`); it must succeed; its output."""
    env = dict(CLI_ENV, SOLO_NOW=now) if now else CLI_ENV
    result = run_solo("--vault", str(root), *args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def fails(root: Path, *args: str) -> str:
    """Run `solo --vault ROOT ARGS`; it must fail with one line on stderr, returned."""
    result = run_solo("--vault", str(root), *args, env=CLI_ENV)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, \
        (result.returncode, result.stderr)
    return result.stderr


def page(front: str, body: str = "") -> str:
    """A vault file: `front` is TOML (without fences)."""
    return f"+++\n{front.strip()}\n+++\n{body}"


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_vault(root: Path, files: Mapping[str, str]) -> Path:
    """A scanned vault at `root` holding `files`; returns `root`."""
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    with Vault.init(root) as vault:
        report = vault.scan()
        assert not report.problems, report.problems
    return root


def rows_of(tmp_path: Path, files: Mapping[str, str]) -> list[Row]:
    root = make_vault(tmp_path / "vault", files)
    with Vault(root) as vault:
        return vault.rows()


def goal(stem: str = "g", **extra: str) -> dict[str, str]:
    lines = ['kind = "goal"', f'title = "Goal {stem}"'] + [f"{k} = {v}" for k, v in extra.items()]
    return {f"goals/{stem}.md": page("\n".join(lines))}


def task(stem: str, status: str, goal_ref: str | None = None, **extra: str) -> dict[str, str]:
    lines = [f'title = "Task {stem}"', f'status = "{status}"']
    if goal_ref:
        lines.append(f'goal = "{goal_ref}"')
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return {f"tasks/{stem}.md": page("\n".join(lines))}


def session(name: str, task_ref: str, start: str, minutes: int) -> dict[str, str]:
    return {f"focus/{name}.md": page(f'kind = "focus"\ntask = "{task_ref}"\nstart = {start}\n'
                                     f"minutes = {minutes}")}
