"""Pytest fixtures for the test servers: import them into a conftest.py, or list this module in
`pytest_plugins` of the top-level conftest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .js_peer import JsSyncServer
from .ollama_server import OllamaServer


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
