"""Fixtures for the TUI tests: an example vault ready to open, an app factory with a fixed clock."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from support.tui_helpers import NOW, TODAY

from solo.core.vault import Vault
from solo.tui.app import SoloApp

EXAMPLE_VAULT = Path(__file__).resolve().parents[3] / "examples" / "vault"


@pytest.fixture(scope="session")
def scanned_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example vault initialised and scanned once per session (scanning costs a second)."""
    root = tmp_path_factory.mktemp("scanned") / "example"
    shutil.copytree(EXAMPLE_VAULT, root)
    vault = Vault.init(root)
    vault.scan()
    vault.close()
    return root


@pytest.fixture
def tui_root(scanned_example: Path, tmp_path: Path) -> Path:
    """A private copy of the scanned example vault (mtimes kept, so nothing needs a rescan)."""
    root = tmp_path / "example"
    shutil.copytree(scanned_example, root, copy_function=shutil.copy2)
    return root


@pytest.fixture
def make_app(tui_root: Path) -> Callable[..., SoloApp]:
    def factory(**kwargs: object) -> SoloApp:
        options: dict[str, object] = {"today": TODAY, "now": NOW, "watch": False}
        options.update(kwargs)
        return SoloApp(tui_root, **options)  # type: ignore[arg-type]
    return factory


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
