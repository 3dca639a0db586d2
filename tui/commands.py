"""SoloCommands: the command palette's provider, Solo's commands only, grouped by screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], Any]]

SCREEN_NAMES = (("today", "Today", "1"), ("tasks", "Tasks", "2"), ("notes", "Notes", "3"),
                ("career", "Career", "4"), ("reviews", "Reviews", "5"),
                ("upcoming", "Upcoming", "6"))


class SoloCommands(Provider):
    """The current screen's commands first (its name leads each help line), then going to the
    screens, then the commands that work everywhere."""

    def _commands(self) -> list[Command]:
        app: Any = self.app
        screen = self.screen
        label = next((title for name, title, _ in SCREEN_NAMES
                      if name == getattr(screen, "NAME", "")), "This screen")
        commands: list[Command] = []
        if hasattr(screen, "palette_commands"):
            commands.extend((title, f"{label} · {help_text}", callback)
                            for title, help_text, callback in screen.palette_commands())
        for name, title, key in SCREEN_NAMES:
            commands.append((f"Go to {title}", f"Screens · {key}", partial(app.action_goto, name)))
        commands += [
            ("Open today's daily note", "Everywhere · ctrl+d", app.action_daily_note),
            ("Tags: filter by a tag", "Everywhere · #", app.action_tags),
            ("Quick add task", "Everywhere · a", app.action_quick_add),
            ("Search the vault", "Everywhere · /", app.action_search),
            ("Stop focus timer", "Everywhere · F", app.action_stop_focus),
            ("Toggle light / dark theme", "Everywhere · theme", app.action_toggle_theme),
            ("Show keys", "Everywhere · ?", app.action_help),
        ]
        return commands

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
