"""Sidebar: the numbered list of screens; a click posts NavigateTo."""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.reactive import reactive
from textual.widget import Widget

from solo.tui.messages import NavigateTo

SCREENS: tuple[tuple[str, str], ...] = (
    ("today", "Today"), ("tasks", "Tasks"), ("notes", "Notes"), ("career", "Career"),
    ("reviews", "Reviews"), ("upcoming", "Upcoming"),
)


class Sidebar(Widget):
    """The screens, numbered like their keys, the current one marked."""

    DEFAULT_CSS = """
    Sidebar { width: 12; height: 1fr; padding: 1 0 0 1; background: $panel; }
    """
    COMPONENT_CLASSES = {"sidebar--current"}

    current: reactive[str] = reactive("today")

    def __init__(self, current: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(Sidebar.current, current)

    def render(self) -> Text:
        text = Text(no_wrap=True)
        mark = self.get_component_rich_style("sidebar--current", partial=True)
        for number, (name, label) in enumerate(SCREENS, 1):
            line = f"{number} {label}\n"
            text.append(line, style=mark if name == self.current else "")
        return text

    def on_click(self, event: Click) -> None:
        index = event.y - 1
        if 0 <= index < len(SCREENS):
            self.post_message(NavigateTo(SCREENS[index][0]))
