"""Shared fixtures: temporary vaults (empty and the example vault) and a `solo` runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from solo.core.vault import Vault

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_VAULT = REPO / "examples" / "vault"
sys.path.insert(0, str(REPO / "tests"))

pytest_plugins = ["support.fixtures"]


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    root = tmp_path / "vault"
    root.mkdir()
    v = Vault.init(root)
    yield v
    v.close()


@pytest.fixture
def example_root(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE_VAULT, root)
    return root


@pytest.fixture
def example_vault(example_root: Path) -> Iterator[Vault]:
    v = Vault.init(example_root)
    v.scan()
    yield v
    v.close()


def solo_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLO_")}
    env.update(extra)
    return env


def run_solo(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
             input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real `solo` command line in a subprocess."""
    return subprocess.run([sys.executable, "-m", "solo.tui", *args], cwd=cwd, env=env or solo_env(),
                          capture_output=True, text=True, input=input, timeout=timeout)
