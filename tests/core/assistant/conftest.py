"""Fixtures for assistant tests: the Ollama stand-in, and the example vault pointed at it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from support.fixtures import ollama_server  # noqa: F401
from support.ollama_server import OllamaServer

from solo.core.assistant.answer import Assistant
from solo.core.vault import Vault

TODAY = dt.date(2026, 11, 26)
PRIVATE_STRINGS = ("58,000", "66,000", "63,000", "412,000", "Project Hibiscus", "31.5%",
                   "720 EUR")


@pytest.fixture(autouse=True)
def _no_ollama_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_HOST", raising=False)


@pytest.fixture
def assistant(example_vault: Vault, ollama_server: OllamaServer) -> Iterator[Assistant]:  # noqa: F811
    example_vault.config.assistant.host = ollama_server.url
    helper = Assistant(example_vault, today=TODAY)
    yield helper
    helper.close()


def assert_nothing_private(server: OllamaServer, asked: str = "") -> None:
    """No string that only private files hold reached the model (beyond what the user typed)."""
    seen = server.seen_text().replace(asked, "")
    for secret in PRIVATE_STRINGS:
        assert secret not in seen, secret
