"""Helpers for pilot tests: wait for workers and messages, poll for a condition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.pilot import Pilot

TODAY = dt.date(2026, 11, 26)
NOW = dt.datetime(2026, 11, 26, 10, 30)


async def settle(pilot: Pilot[object]) -> None:
    """Let messages, workers and refreshes finish."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot[object], condition: Callable[[], bool],
                   seconds: float = 5.0) -> None:
    """Poll `condition` while the app runs; fail after `seconds`."""
    loops = int(seconds / 0.02)
    for _ in range(loops):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), "condition not met in time"
