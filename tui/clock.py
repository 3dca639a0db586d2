"""The TUI's clock: `solo.core.clock`'s today and now, optionally frozen so tests can `advance()` it."""

from __future__ import annotations

import datetime as dt

from solo.core import clock


class Clock:
    """The app's idea of the time. A fixed clock stands still until `advance()` moves it."""

    def __init__(self, today: dt.date | None = None, now: dt.datetime | None = None) -> None:
        if now is None and clock.pinned():
            now = clock.now()
        if today is None:
            today = clock.pinned_day()
        if now is not None and today is not None and now.date() != today:
            now = dt.datetime.combine(today, now.time())
        self._fixed_now = now
        self._fixed_today = today if today is not None else (now.date() if now else None)

    @property
    def fixed(self) -> bool:
        return self._fixed_now is not None

    def now(self) -> dt.datetime:
        if self._fixed_now is not None:
            return self._fixed_now
        real = clock.now()
        if self._fixed_today is not None:
            return dt.datetime.combine(self._fixed_today, real.time())
        return real

    def today(self) -> dt.date:
        return self._fixed_today if self._fixed_today is not None else self.now().date()

    def advance(self, seconds: float) -> None:
        """Move a fixed clock forward (tests of the focus timer)."""
        if self._fixed_now is not None:
            self._fixed_now += dt.timedelta(seconds=seconds)
