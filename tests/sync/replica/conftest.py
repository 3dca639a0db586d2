"""In-process peers: two or more vault replicas exchanging sync messages directly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.replicas import Link, make_pair  # noqa: F401  (re-exported)

from solo.core.engine.replica import Replica
from solo.core.vault import Vault


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Vault, Vault, Link]]:
    a, b = make_pair(tmp_path)
    link = Link(Replica(a, "peer"), Replica(b, "peer"))
    link.sync()
    b.scan()
    yield a, b, link
    link.a.close()
    link.b.close()
    a.close()
    b.close()

