"""AssistantPane: a conversation with the vault — questions, streamed answers, their sources; I/O-free.

The pane only posts intents (`AskRequested`, `StopRequested`, `OpenSource`, `WriteConfirmed`,
`WriteDeclined`, `ResetRequested`) and renders what the controller posts to it
(`ReplyStarted`, `ReplyChunk`, `ReplyFinished`, `ReplyFailed`, `StatusChanged`, `WriteProposed`).
The transcript it starts with (`Turn`s) is handed in by the controller, which saves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
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


@dataclass
class Turn:
    """One question and its answer as the transcript keeps it (`note`: stopped, failed…)."""

    question: str
    answer: str = ""
    sources: list[SourceRef] = field(default_factory=list)
    note: str = ""


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


class TurnView(Vertical):
    """One exchange in the transcript: the question, the answer (Markdown), its state, its sources."""

    DEFAULT_CSS = """
    TurnView { height: auto; margin-bottom: 1; }
    TurnView > .turn-question { color: $text-accent; text-style: bold; }
    TurnView > .turn-answer { height: auto; margin: 0; }
    TurnView > .turn-state { color: $text-muted; }
    TurnView > .turn-state.-error { color: $text-error; }
    TurnView > .assistant-sources { height: auto; max-height: 8; border: none; padding: 0; }
    TurnView > .assistant-sources:focus { border: none; }
    """

    def __init__(self, turn: Turn) -> None:
        super().__init__(classes="turn")
        self.turn = turn

    def compose(self) -> ComposeResult:
        yield Static(Text(f"» {self.turn.question}"), classes="turn-question")
        yield Markdown(self.turn.answer, classes="turn-answer")
        yield Static(Text(self.turn.note), classes="turn-state")
        yield OptionList(classes="assistant-sources")

    def on_mount(self) -> None:
        self.show_sources(self.turn.sources)
        self.query_one(".turn-state", Static).display = bool(self.turn.note)

    @property
    def answer_view(self) -> Markdown:
        return self.query_one(".turn-answer", Markdown)

    def set_note(self, text: str, error: bool = False) -> None:
        self.turn.note = text
        state = self.query_one(".turn-state", Static)
        state.update(Text(text))
        state.set_class(error, "-error")
        state.display = bool(text)

    def show_sources(self, sources: list[SourceRef]) -> None:
        self.turn.sources = list(sources)
        options = self.query_one(".assistant-sources", OptionList)
        options.clear_options()
        options.add_options([Option(Text(f"[{s.number}] {s.title} — {s.path}"), id=s.path)
                             for s in sources])
        options.display = bool(sources)


class AssistantPane(Vertical, can_focus=False):
    """The transcript (scrollable), a state line and the question box; status in the border title.

    | Key | Action |
    | :- | :- |
    | `enter` | Ask (in the question box); open the source (in a sources list). |
    | `tab` | Move between the question box and the sources lists. |
    | `escape` | Stop the reply being generated (else close the pane). |
    | `ctrl+l` | Start a new conversation. |
    | `ctrl+y` | Copy the answer (the one whose sources have focus, else the last). |
    | `pageup` / `pagedown` | Scroll the transcript. |
    """

    BINDINGS = [
        Binding("escape", "stop", "Stop", id="assistant.stop"),
        Binding("ctrl+l", "reset", "New chat", id="assistant.reset"),
        Binding("ctrl+y", "copy_answer", "Copy", id="assistant.copy"),
        Binding("pageup", "scroll_transcript(-1)", "Scroll", show=False, id="assistant.page_up"),
        Binding("pagedown", "scroll_transcript(1)", "Scroll", show=False,
                id="assistant.page_down"),
    ]

    DEFAULT_CSS = """
    AssistantPane { height: 1fr; border: round $primary; border-title-align: left; }
    AssistantPane > #assistant-transcript { height: 1fr; padding: 0 1; }
    AssistantPane > #assistant-state { color: $text-muted; margin: 0 1; height: auto; }
    AssistantPane > #assistant-state.-error { color: $text-error; }
    AssistantPane > #assistant-question { dock: bottom; }
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

        @property
        def control(self) -> AssistantPane:
            return self.pane

    @dataclass
    class OpenSource(Message):
        """Please open this item (vault-relative path)."""

        pane: AssistantPane
        path: str

        @property
        def control(self) -> AssistantPane:
            return self.pane

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

    def __init__(self, *, model: str = "", transcript: list[Turn] | None = None,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(AssistantPane.model, model)
        self._initial = list(transcript or [])
        self._stream: MarkdownStream | None = None
        self._reply_text: list[str] = []
        self._current: TurnView | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="assistant-transcript", can_focus=False):
            for turn in self._initial:
                yield TurnView(turn)
        yield Static("", id="assistant-state")
        yield Input(placeholder="Ask your vault…", id="assistant-question")

    def on_mount(self) -> None:
        self._update_title()
        self._state("" if self._initial else "Ask a question; answers cite your files.")
        self.transcript.scroll_end(animate=False)

    # --- state shown ------------------------------------------------------------------------
    @property
    def transcript(self) -> VerticalScroll:
        return self.query_one("#assistant-transcript", VerticalScroll)

    @property
    def turns(self) -> list[TurnView]:
        return list(self.transcript.query(TurnView))

    def _update_title(self) -> None:
        status = {None: "…", True: "ready", False: "offline"}[self.online]
        if self.busy:
            status = "answering (esc stops)"
        self.border_title = f"Assistant · {self.model or 'no model'} · {status}"

    def watch_busy(self) -> None:
        self._update_title()
        self.refresh_bindings()

    def watch_model(self) -> None:
        self._update_title()

    def watch_online(self) -> None:
        self._update_title()

    def _state(self, text: str, error: bool = False) -> None:
        state = self.query_one("#assistant-state", Static)
        state.update(Text(text))
        state.set_class(error, "-error")
        state.display = bool(text)

    @property
    def reply_text(self) -> str:
        """The reply being streamed (or the last one), for tests and copy."""
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":  # only while answering; otherwise Escape closes the pane
            return self.busy
        return True

    def action_stop(self) -> None:
        if self.busy:
            self.post_message(self.StopRequested(self))

    async def action_reset(self) -> None:
        if self.busy:
            self.notify("Stop the answer first (Escape).", severity="warning", timeout=2)
            return
        self.post_message(self.ResetRequested(self))
        self._reply_text.clear()
        await self.transcript.remove_children()
        self._current = None
        self._state("New conversation.")

    def action_copy_answer(self) -> None:
        focused = self.screen.focused
        view = next((t for t in self.turns if focused is not None
                     and focused in list(t.query(OptionList))), None)
        if view is None:
            view = next((t for t in reversed(self.turns) if t.turn.answer), None)
        if view is None or not view.turn.answer:
            self.notify("No answer to copy yet.", severity="warning", timeout=2)
            return
        self.app.copy_to_clipboard(view.turn.answer)
        self.notify(f"Answer copied ({len(view.turn.answer)} characters).", timeout=2)

    def action_scroll_transcript(self, pages: int) -> None:
        if pages < 0:
            self.transcript.scroll_page_up()
        else:
            self.transcript.scroll_page_down()

    @on(OptionList.OptionSelected, ".assistant-sources")
    def _source_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.OpenSource(self, event.option.id))

    # --- what the controller posts ----------------------------------------------------------
    async def on_reply_started(self, message: ReplyStarted) -> None:
        message.stop()
        await self._end_stream()
        self.busy = True
        self._reply_text.clear()
        self._state("")
        view = TurnView(Turn(message.question))
        self._current = view
        await self.transcript.mount(view)
        self.transcript.scroll_end(animate=False)

    async def on_reply_chunk(self, message: ReplyChunk) -> None:
        message.stop()
        self._reply_text.append(message.text)
        if self._current is None:
            return
        self._current.turn.answer += message.text
        if self._stream is None:
            self._stream = Markdown.get_stream(self._current.answer_view)
        await self._stream.write(message.text)
        self.transcript.scroll_end(animate=False)

    async def on_reply_finished(self, message: ReplyFinished) -> None:
        message.stop()
        await self._end_stream()
        self.busy = False
        view = self._current
        if view is None:
            return
        view.show_sources(message.sources)
        if message.stopped:
            view.set_note("Stopped.")
        elif not message.sources and self._reply_text:
            view.set_note("No sources cited.")
        self.transcript.scroll_end(animate=False)

    async def on_reply_failed(self, message: ReplyFailed) -> None:
        message.stop()
        await self._end_stream()
        self.busy = False
        if self._current is not None:
            self._current.set_note(message.error, error=True)
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
