"""AssistantPane: asks questions, shows the streamed Markdown reply and its sources; I/O-free.

The pane only posts intents (`AskRequested`, `StopRequested`, `OpenSource`, `WriteConfirmed`,
`WriteDeclined`, `ResetRequested`) and renders what the controller posts to it
(`ReplyStarted`, `ReplyChunk`, `ReplyFinished`, `ReplyFailed`, `StatusChanged`, `WriteProposed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown, OptionList, Static
from textual.widgets.markdown import MarkdownStream
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class SourceRef:
    """A cited file as the pane shows it."""

    number: int
    title: str
    path: str


# --- messages the controller posts to the pane ---------------------------------------------
@dataclass
class ReplyStarted(Message):
    """A reply to `question` begins: clear the previous one."""

    question: str


@dataclass
class ReplyChunk(Message):
    """A fragment of Markdown to append to the reply."""

    text: str


@dataclass
class ReplyFinished(Message):
    """The reply is complete (or was stopped); its cited sources."""

    sources: list[SourceRef] = field(default_factory=list)
    stopped: bool = False


@dataclass
class ReplyFailed(Message):
    """The reply could not be produced; `error` is one line for the user."""

    error: str


@dataclass
class StatusChanged(Message):
    """Model name and whether Ollama answers, for the border title and the offline state."""

    model: str
    online: bool
    detail: str = ""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StatusChanged)


@dataclass
class WriteProposed(Message):
    """The model proposed a write: ask the user. `proposal` is handed back untouched."""

    proposal: Any
    description: str


class ConfirmWrite(ModalScreen[bool]):
    """Yes/no dialog for a write the assistant proposed."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]
    DEFAULT_CSS = """
    ConfirmWrite { align: center middle; }
    ConfirmWrite > Vertical { width: 60; height: auto; border: thick $accent; padding: 1 2;
                              background: $surface; }
    ConfirmWrite Horizontal { height: auto; margin-top: 1; }
    ConfirmWrite Button { margin-right: 2; }
    """

    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"The assistant proposes:\n{self.description}\n\nWrite it to the vault?")
            with Horizontal():
                yield Button("Yes (y)", id="yes", variant="primary")
                yield Button("No (n)", id="no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class AssistantPane(Vertical, can_focus=False):
    """Question box, streamed reply, sources; status in the border title.

    | Key | Action |
    | :- | :- |
    | `enter` | Ask (in the question box); open the source (in the sources list). |
    | `escape` | Stop the reply being generated. |
    | `ctrl+n` | Start a new conversation. |
    """

    BINDINGS = [
        Binding("escape", "stop", "Stop", id="assistant.stop"),
        Binding("ctrl+n", "reset", "New chat", id="assistant.reset"),
    ]

    DEFAULT_CSS = """
    AssistantPane { height: 1fr; border: round $primary; border-title-align: left; }
    AssistantPane > #assistant-question { dock: top; }
    AssistantPane > #assistant-reply { height: auto; max-height: 1fr; margin: 0 1; }
    AssistantPane > #assistant-state { color: $text-muted; margin: 0 1; }
    AssistantPane > #assistant-state.-error { color: $error; }
    AssistantPane > #assistant-sources { height: auto; max-height: 10; border: none;
                                         margin: 0 1; }
    """

    busy: reactive[bool] = reactive(False)
    model: reactive[str] = reactive("")
    online: reactive[bool | None] = reactive(None)

    # --- intents the pane posts -------------------------------------------------------------
    @dataclass
    class AskRequested(Message):
        """The user asked a question."""

        pane: AssistantPane
        question: str

        @property
        def control(self) -> AssistantPane:
            return self.pane

    @dataclass
    class StopRequested(Message):
        """The user wants the reply stopped."""

        pane: AssistantPane

        @property
        def control(self) -> AssistantPane:
            return self.pane

    @dataclass
    class ResetRequested(Message):
        """The user wants a new conversation."""

        pane: AssistantPane

    @dataclass
    class OpenSource(Message):
        """Please open this item (vault-relative path)."""

        pane: AssistantPane
        path: str

    @dataclass
    class WriteConfirmed(Message):
        """The user said yes to a proposed write."""

        pane: AssistantPane
        proposal: Any

    @dataclass
    class WriteDeclined(Message):
        """The user said no to a proposed write."""

        pane: AssistantPane
        proposal: Any

    def __init__(self, *, model: str = "", name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(AssistantPane.model, model)
        self._stream: MarkdownStream | None = None
        self._reply_text: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Ask your vault…", id="assistant-question")
        yield Markdown("", id="assistant-reply")
        yield Static("", id="assistant-state")
        yield OptionList(id="assistant-sources")

    def on_mount(self) -> None:
        self._update_title()
        self.query_one("#assistant-sources", OptionList).display = False

    # --- state shown ------------------------------------------------------------------------
    def _update_title(self) -> None:
        status = {None: "…", True: "ready", False: "offline"}[self.online]
        if self.busy:
            status = "answering (esc stops)"
        self.border_title = f"Assistant · {self.model or 'no model'} · {status}"

    def watch_busy(self) -> None:
        self._update_title()

    def watch_model(self) -> None:
        self._update_title()

    def watch_online(self) -> None:
        self._update_title()

    def _state(self, text: str, error: bool = False) -> None:
        state = self.query_one("#assistant-state", Static)
        state.update(text)
        state.set_class(error, "-error")

    @property
    def reply_text(self) -> str:
        """The reply as streamed so far (for tests and copy)."""
        return "".join(self._reply_text)

    # --- user actions -----------------------------------------------------------------------
    @on(Input.Submitted, "#assistant-question")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        question = event.value.strip()
        if not question or self.busy:
            return
        event.input.value = ""
        self.post_message(self.AskRequested(self, question))

    def action_stop(self) -> None:
        if self.busy:
            self.post_message(self.StopRequested(self))

    def action_reset(self) -> None:
        if not self.busy:
            self.post_message(self.ResetRequested(self))
            self._reply_text.clear()
            self.query_one("#assistant-reply", Markdown).update("")
            self._show_sources([])
            self._state("New conversation.")

    @on(OptionList.OptionSelected, "#assistant-sources")
    def _source_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.OpenSource(self, event.option.id))

    def _show_sources(self, sources: list[SourceRef]) -> None:
        options = self.query_one("#assistant-sources", OptionList)
        options.clear_options()
        options.add_options([Option(f"[{s.number}] {s.title} — {s.path}", id=s.path)
                             for s in sources])
        options.display = bool(sources)

    # --- what the controller posts ----------------------------------------------------------
    async def on_reply_started(self, message: ReplyStarted) -> None:
        message.stop()
        await self._end_stream()
        self.busy = True
        self._reply_text.clear()
        reply = self.query_one("#assistant-reply", Markdown)
        await reply.update("")
        self._show_sources([])
        self._state(f"» {message.question}")
        self._stream = Markdown.get_stream(reply)

    async def on_reply_chunk(self, message: ReplyChunk) -> None:
        message.stop()
        self._reply_text.append(message.text)
        if self._stream is not None:
            await self._stream.write(message.text)

    async def on_reply_finished(self, message: ReplyFinished) -> None:
        message.stop()
        await self._end_stream()
        self.busy = False
        self._show_sources(message.sources)
        if message.stopped:
            self._state("Stopped.")
        elif not message.sources and self._reply_text:
            self._state("No sources cited.")
        else:
            self._state("")

    async def on_reply_failed(self, message: ReplyFailed) -> None:
        message.stop()
        await self._end_stream()
        self.busy = False
        self._state(message.error, error=True)

    def on_status_changed(self, message: StatusChanged) -> None:
        message.stop()
        self.model = message.model
        self.online = message.online
        if not message.online:
            self._state(message.detail or "Ollama is not running: start it with `ollama serve`.",
                        error=True)
        elif message.detail:
            self._state(message.detail)

    def on_write_proposed(self, message: WriteProposed) -> None:
        message.stop()
        proposal = message.proposal

        def answered(yes: bool | None) -> None:
            cls = self.WriteConfirmed if yes else self.WriteDeclined
            self.post_message(cls(self, proposal))

        self.app.push_screen(ConfirmWrite(message.description), answered)

    async def _end_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.stop()
