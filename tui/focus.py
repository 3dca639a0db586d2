"""FocusTimer: Pomodoro state (work, then break) driven by a clock, with no UI and no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class FinishedSession:
    """A work phase that ran its full length: what goes into `focus/`."""

    task_stem: str
    task_title: str
    start: dt.datetime
    minutes: int


class FocusTimer:
    """Idle → work (focus_minutes) → break (break_minutes) → idle. Call `tick(now)` often."""

    def __init__(self, focus_minutes: int, break_minutes: int) -> None:
        self.focus_minutes = focus_minutes
        self.break_minutes = break_minutes
        self.phase = "idle"
        self.task_stem = ""
        self.task_title = ""
        self.started: dt.datetime | None = None
        self.ends: dt.datetime | None = None

    def start(self, task_stem: str, task_title: str, now: dt.datetime) -> None:
        self.phase, self.task_stem, self.task_title = "work", task_stem, task_title
        self.started = now
        self.ends = now + dt.timedelta(minutes=self.focus_minutes)

    def stop(self) -> None:
        self.phase, self.started, self.ends = "idle", None, None

    def tick(self, now: dt.datetime) -> FinishedSession | None:
        """Advance phases; returns the session when a work phase just finished."""
        if self.ends is None or now < self.ends:
            return None
        if self.phase == "work":
            assert self.started is not None
            done = FinishedSession(self.task_stem, self.task_title, self.started,
                                   self.focus_minutes)
            self.phase, self.started = "break", self.ends
            self.ends = self.ends + dt.timedelta(minutes=self.break_minutes)
            if now >= self.ends:
                self.stop()
            return done
        self.stop()
        return None

    def label(self, now: dt.datetime) -> str:
        if self.phase == "idle" or self.ends is None:
            return ""
        left = max(int((self.ends - now).total_seconds()), 0)
        clock = f"{left // 60:02d}:{left % 60:02d}"
        if self.phase == "work":
            return f"● focus {clock} {self.task_title}"
        return f"☕ break {clock}"
