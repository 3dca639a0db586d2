"""SoloCommands: the command palette's provider; commands depend on the screen it was opened from."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], Any]]


class SoloCommands(Provider):
    """Global commands (screens, add, search, focus, theme) plus the current screen's own."""

    def _commands(self) -> list[Command]:
        app: Any = self.app
        commands: list[Command] = []
        screen = self.screen
        if hasattr(screen, "palette_commands"):
            commands.extend(screen.palette_commands())
        for name in ("today", "tasks", "notes", "career", "reviews"):
            commands.append((f"Go to {name.title()}", "Screen", partial(app.action_goto, name)))
        commands += [
            ("Quick add task", "a", app.action_quick_add),
            ("Search the vault", "/", app.action_search),
            ("Stop focus timer", "F", app.action_stop_focus),
            ("Toggle light / dark theme", "Theme", app.action_toggle_theme),
            ("Show keys", "?", app.action_help),
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
