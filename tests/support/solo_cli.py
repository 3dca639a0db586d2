"""Runs the real `solo` command line in a subprocess, with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def solo_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLO_")}
    env.update(extra)
    return env


def run_solo(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
             input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real `solo` command line in a subprocess."""
    return subprocess.run([sys.executable, "-m", "solo.tui", *args], cwd=cwd, env=env or solo_env(),
                          capture_output=True, text=True, input=input, timeout=timeout)
