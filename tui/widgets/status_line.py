"""StatusLine: one line with sync state, working hours, the focus timer and the last notice."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


@dataclass(frozen=True)
class Status:
    """What the status line shows; the app builds it, the widget only renders it."""

    sync: str = "local only"
    work: str = ""
    inside_hours: bool = True
    timer: str = ""
    notice: str = ""


class StatusLine(Widget):
    """Sync · working hours · timer · notice, left to right."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $boost; padding: 0 1; }
    """
    COMPONENT_CLASSES = {"status-line--rest", "status-line--timer"}

    status: reactive[Status] = reactive(Status, layout=False)

    def render(self) -> Text:
        status = self.status
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"⇅ {status.sync}")
        if status.work:
            style = "" if status.inside_hours else self.get_component_rich_style(
                "status-line--rest", partial=True)
            text.append("  │  ")
            text.append(status.work, style=style)
        if status.timer:
            text.append("  │  ")
            text.append(status.timer,
                        style=self.get_component_rich_style("status-line--timer", partial=True))
        if status.notice:
            text.append("  │  " + status.notice)
        return text
