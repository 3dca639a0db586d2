"""Shared pytest fixtures (listed in `pytest_plugins` of the top-level conftest): the test
servers, and the example vault scanned once per session with a private copy and an app
factory for pilot and snapshot tests."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from solo.core.config import Remote

from .js_peer import JsSyncServer
from .ollama_server import OllamaServer
from .sync_server import TOKEN, ServerThread

if TYPE_CHECKING:
    from solo.tui.app import SoloApp

EXAMPLE_VAULT = Path(__file__).resolve().parents[2] / "examples" / "vault"
APP_TODAY = dt.date(2026, 11, 26)  # the fixed clock of every app the factory makes
APP_NOW = dt.datetime(2026, 11, 26, 10, 30)


@pytest.fixture
def ollama_server() -> Iterator[OllamaServer]:
    """A running OllamaServer with the default models and reply; stopped afterwards."""
    with OllamaServer() as server:
        yield server


@pytest.fixture
def js_server(tmp_path: Path) -> Iterator[JsSyncServer]:
    """The reference JS sync server on a free port, storing in tmp_path; stopped afterwards."""
    with JsSyncServer(tmp_path / "js-server-data") as server:
        yield server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    """A `solo serve` (token `sync_server.TOKEN`) in a thread on 127.0.0.1; stopped afterwards."""
    srv = ServerThread(tmp_path / "server").start()
    yield srv
    srv.stop()


@pytest.fixture(params=["solo", "js"])
def any_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Remote, str]]:
    """A `solo serve` (with a token) or the reference JS server: (remote, token for JS)."""
    if request.param == "solo":
        srv = ServerThread(tmp_path / "solo-server").start()
        yield srv.remote(), TOKEN
        srv.stop()
    else:
        with JsSyncServer(tmp_path / "js-data") as js:
            yield Remote(js.url), ""


@pytest.fixture(scope="session")
def scanned_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example vault initialised and scanned once per session (scanning costs a second)."""
    from solo.core.vault import Vault

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
    """Makes the app on `tui_root` with the fixed clock and the watcher off (override by
    keyword: `make_app(watch=True, now=...)`)."""
    from solo.tui.app import SoloApp

    def factory(**kwargs: object) -> SoloApp:
        options: dict[str, object] = {"today": APP_TODAY, "now": APP_NOW, "watch": False}
        options.update(kwargs)
        return SoloApp(tui_root, **options)  # type: ignore[arg-type]
    return factory


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
