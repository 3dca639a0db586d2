"""Fixtures for the career pilot and snapshot tests: the example vault scanned once, an app factory with a fixed clock."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from solo.core.vault import Vault
from solo.tui.app import SoloApp

EXAMPLE_VAULT = Path(__file__).resolve().parents[3] / "examples" / "vault"
APP_TODAY = dt.date(2026, 11, 26)
APP_NOW = dt.datetime(2026, 11, 26, 10, 30)


@pytest.fixture(scope="session")
def scanned_career_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("career-scanned") / "example"
    shutil.copytree(EXAMPLE_VAULT, root)
    vault = Vault.init(root)
    vault.scan()
    vault.close()
    return root


@pytest.fixture
def app_root(scanned_career_example: Path, tmp_path: Path) -> Path:
    root = tmp_path / "example"
    shutil.copytree(scanned_career_example, root, copy_function=shutil.copy2)
    return root


@pytest.fixture
def career_app(app_root: Path) -> Callable[..., SoloApp]:
    def factory(**kwargs: object) -> SoloApp:
        options: dict[str, object] = {"today": APP_TODAY, "now": APP_NOW, "watch": False}
        options.update(kwargs)
        return SoloApp(app_root, **options)  # type: ignore[arg-type]
    return factory


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
