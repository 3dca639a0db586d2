"""HelpScreen: every binding active on the screen underneath, with its keys and its id for remapping."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

LEGEND = Text.assemble(
    ("Marks in the lists\n", "bold"),
    ("!", "bold red"), " high priority   ", ("·", "yellow"), " medium priority   ",
    "~12-01 scheduled date (no due date)\n",
    ("11-20", "bold red"), " due date passed   ", ("11-26", "bold yellow"), " due today   ",
    ("⚠", "bold red"), " Solo cannot read the file (Enter shows its text)\n",
    ("↻", "cyan"), " Upcoming: a repeating task's next date (its file holds the current one)\n",
    "Status line: ● focus timer (+MM:SS: started with `solo focus start`) · ☕ break · ⇅ sync",
)


class HelpScreen(ModalScreen[None]):
    """Keys, what they do, and the id to use under `[keys]` in `.solo/config.toml`."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss(None)", "Close", id="help.close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
        table.add_column("Keys")
        table.add_column("Does")
        table.add_column(Text("Binding id (remap in [keys])"), style="dim")
        for keys, description, binding_id in self.rows:
            table.add_row(Text(keys), Text(description), Text(binding_id))
        with Vertical(classes="dialog help"):
            yield Label("Keys — Escape closes; remap: [keys] tasks.done = \"X\"", markup=False,
                        classes="dialog-title")
            with VerticalScroll():
                yield Static(table)
                yield Static(LEGEND, classes="dialog-help")
