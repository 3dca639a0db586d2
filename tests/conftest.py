"""Shared fixtures: temporary vaults (empty and the example vault) and a `solo` runner."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from solo.core.vault import Vault

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_VAULT = REPO / "examples" / "vault"
sys.path.insert(0, str(REPO / "tests"))

pytest_plugins = ["support.fixtures"]

from support.solo_cli import run_solo, solo_env  # noqa: E402,F401  (re-exported)


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
