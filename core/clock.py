"""The one clock: `today()` and `now()`, from the system, `SOLO_TODAY`/`SOLO_NOW`, or fixed by tests.

Every "what day is it" in Solo asks this module. `SOLO_NOW` (ISO date-time) pins the time (and
wins over `SOLO_TODAY`), `SOLO_TODAY` (ISO date) pins the day and keeps the wall-clock time; `fixed()` pins both for
the duration of a `with` block in tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator

_fixed_now: dt.datetime | None = None
_fixed_today: dt.date | None = None


def _env_now() -> dt.datetime | None:
    text = os.environ.get("SOLO_NOW")
    return dt.datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0) if text else None


def _env_today() -> dt.date | None:
    text = os.environ.get("SOLO_TODAY")
    return dt.date.fromisoformat(text) if text else None


def pinned() -> bool:
    """True when the time stands still (`SOLO_NOW` or `fixed(now=...)`)."""
    return _fixed_now is not None or bool(os.environ.get("SOLO_NOW"))


def pinned_day() -> dt.date | None:
    """The day `SOLO_TODAY` or `fixed()` pins, if any."""
    return _fixed_today if _fixed_today is not None else _env_today()


def now() -> dt.datetime:
    """The local time to the second (naive). Raises ValueError for a malformed `SOLO_NOW`."""
    pinned = _fixed_now if _fixed_now is not None else _env_now()
    if pinned is not None:
        return pinned
    day = _fixed_today if _fixed_today is not None else _env_today()
    real = dt.datetime.now().replace(microsecond=0)
    return dt.datetime.combine(day, real.time()) if day is not None else real


def today() -> dt.date:
    """The local date. Raises ValueError for a malformed `SOLO_TODAY`."""
    day = _fixed_today if _fixed_today is not None else _env_today()
    return day if day is not None else now().date()


@contextlib.contextmanager
def fixed(today: dt.date | None = None, now: dt.datetime | None = None) -> Iterator[None]:
    """Within the block, `today()`/`now()` answer these (tests)."""
    global _fixed_now, _fixed_today
    saved = _fixed_now, _fixed_today
    _fixed_now = now
    _fixed_today = today if today is not None else (now.date() if now is not None else None)
    try:
        yield
    finally:
        _fixed_now, _fixed_today = saved
