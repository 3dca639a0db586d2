"""Helpers for pilot tests: wait for workers and messages, poll for a condition."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.pilot import Pilot
from textual.screen import Screen

from support.fixtures import APP_NOW, APP_TODAY

TODAY = APP_TODAY
NOW = APP_NOW
S = TypeVar("S", bound=Screen[object])


async def settle(pilot: Pilot[object]) -> None:
    """Let messages, workers and refreshes finish."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot[object], condition: Callable[[], bool],
                   seconds: float = 10.0) -> None:
    """Poll `condition` while the app runs; fail after `seconds`."""
    loops = int(seconds / 0.02)
    for _ in range(loops):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), "condition not met in time"


async def open_screen(pilot: Pilot[object], key: str, kind: type[S]) -> S:
    """Press the sidebar key `key` and return the screen it shows, which must be a `kind`."""
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, kind), f"{key!r} showed {type(screen).__name__}"
    return screen
