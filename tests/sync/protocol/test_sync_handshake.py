"""Handshake hardening (issue 12, finding 13): ambiguous tokens get a clean 400, not a 500."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from solo.sync import protocol as p
from solo.sync.server import SyncServer


def test_two_authorization_headers_get_400_and_one_log_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> int:
        async with SyncServer(tmp_path / "data", token="s3cret") as server:
            headers = [("Authorization", "Bearer s3cret"), ("Authorization", "Bearer other")]
            with pytest.raises(InvalidStatus) as refused:
                async with connect(server.url, additional_headers=headers) as ws:
                    await ws.send(p.encode(p.Join("intruder")))
            assert server.connected_peers() == []
            return refused.value.response.status_code

    with caplog.at_level(logging.INFO):
        assert asyncio.run(scenario()) == 400
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    refusals = [r for r in caplog.records if "Authorization headers" in r.getMessage()]
    assert len(refusals) == 1
    assert not any(r.exc_info for r in caplog.records)
