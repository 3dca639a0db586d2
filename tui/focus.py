"""FocusTimer: the vault's one focus timer (`.solo/focus-running.toml`) as the TUI shows it.

The state is the file, so `solo focus start` in a shell shows up here and `F` here stops it.
This class reads the file only when its modification time changes, keeps the break that follows
a full Pomodoro phase, and formats the status-line label; writes go through `core.focus`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from solo.core.planning import focus
from solo.core.planning.focus import RunningTimer, TimerError


class FocusTimer:
    """Idle → work (the running file) → break (in memory) → idle. Call `tick(now)` often."""

    def __init__(self, solo_dir: Path, focus_minutes: int, break_minutes: int) -> None:
        self.solo_dir = solo_dir
        self.focus_minutes = focus_minutes
        self.break_minutes = break_minutes
        self.running: RunningTimer | None = None
        self.problem = ""
        self.break_ends: dt.datetime | None = None
        self.finishing = False  # a finished phase is being logged: do not report it twice
        self._stamp: tuple[int, int] | None = None
        self.refresh()

    @property
    def phase(self) -> str:
        if self.running is not None:
            return "work"
        return "break" if self.break_ends is not None else "idle"

    def refresh(self) -> RunningTimer | None:
        """Re-read the running-timer file if it changed (another process may have written it)."""
        path = self.solo_dir / focus.RUNNING_FILE
        try:
            info = path.stat()
            stamp: tuple[int, int] | None = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return self.running
        self._stamp = stamp
        try:
            self.running = focus.running_timer(self.solo_dir)
            self.problem = ""
        except TimerError as exc:
            self.running, self.problem = None, str(exc)
        if self.running is None:
            self.finishing = False
        return self.running

    def start(self, task_stem: str, task_title: str, now: dt.datetime, *, block: str = "",
              goal: str = "") -> RunningTimer:
        """Start a Pomodoro phase on a task (from a time `block`, counting for its `goal`);
        TimerError when a timer already runs."""
        self.refresh()
        timer = focus.start_timer(self.solo_dir, task_stem, task_title, now,
                                  planned=self.focus_minutes, block=block, goal=goal)
        self.break_ends = None
        self._stamp = None
        self.refresh()
        return timer

    def end_break(self) -> None:
        self.break_ends = None

    def tick(self, now: dt.datetime) -> RunningTimer | None:
        """The running timer when its planned phase just ran out (the caller logs it)."""
        running = self.refresh()
        if self.break_ends is not None and now >= self.break_ends:
            self.break_ends = None
        if running is None or running.ends is None or now < running.ends or self.finishing:
            return None
        self.finishing = True
        self.break_ends = running.ends + dt.timedelta(minutes=self.break_minutes)
        if now >= self.break_ends:
            self.break_ends = None
        return running

    def label(self, now: dt.datetime) -> str:
        running = self.running
        if running is not None and not self.finishing:
            if running.ends is None:  # open-ended (solo focus start): time spent so far
                spent = max(int((now - running.start).total_seconds()), 0)
                return f"● focus +{spent // 60:02d}:{spent % 60:02d} {running.title}"
            left = max(int((running.ends - now).total_seconds()), 0)
            return f"● focus {left // 60:02d}:{left % 60:02d} {running.title}"
        if self.break_ends is not None:
            left = max(int((self.break_ends - now).total_seconds()), 0)
            return f"☕ break {left // 60:02d}:{left % 60:02d}"
        if self.problem:
            return "⚠ focus timer file unreadable"
        return ""
