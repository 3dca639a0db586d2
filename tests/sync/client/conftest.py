"""Fixtures for the sync client tests: vault pairs over the shared `solo serve` thread
(`server` comes from `support.fixtures`; the helpers from `support.sync_server`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.sync_server import (  # noqa: F401  (re-exported for the tests of this folder)
    FAST,
    TOKEN,
    ServerThread,
    device_pair,
    files,
    sync,
    write,
)

from solo.core.config import Remote
from solo.core.vault import Vault


@pytest.fixture
def pair(tmp_path: Path, server: ServerThread) -> Iterator[tuple[Vault, Vault, Remote]]:
    """Device A (a vault with its root pushed) and device B (cloned from the server)."""
    remote = server.remote()
    a, b = device_pair(tmp_path, remote)
    yield a, b, remote
    a.close()
    b.close()
