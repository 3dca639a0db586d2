"""The screen-side half of the assistant pane: one `Assistant` per app, model calls in thread
workers, results posted to the pane as messages; `install(app)` plugs it into Solo's side pane."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Vertical

from solo.core.assistant import Answer, Assistant, Done, Token
from solo.core.assistant_tools import ProposedWrite
from solo.core.ollama_client import AssistantUnavailable
from solo.core.vault import Vault, VaultError
from solo.tui.widgets.assistant_pane import (
    AssistantPane,
    ReplyChunk,
    ReplyFailed,
    ReplyFinished,
    ReplyStarted,
    SourceRef,
    StatusChanged,
    WriteProposed,
)

GROUP = "assistant"


class AssistantController:
    """Holds the core `Assistant` (one conversation) for an app; thread-safe to start lazily."""

    def __init__(self, vault: Vault, *, model: str | None = None,
                 today: Callable[[], dt.date] | None = None,
                 assistant_factory: Callable[[], Assistant] | None = None) -> None:
        self.vault = vault
        self.model = model or vault.config.assistant.model
        self._today = today
        self._factory = assistant_factory
        self._assistant: Assistant | None = None
        self._lock = threading.Lock()

    def assistant(self) -> Assistant:
        """The core assistant; the first call syncs the chunk index (call it in a worker)."""
        with self._lock:
            if self._assistant is None:
                if self._factory is not None:
                    self._assistant = self._factory()
                else:
                    self._assistant = Assistant(self.vault, model=self.model, today=self._today)
            return self._assistant

    def status(self) -> StatusChanged:
        """Check Ollama and the model (blocking: call it in a worker)."""
        try:
            assistant = self.assistant()
            assistant.check()
        except AssistantUnavailable as exc:
            return StatusChanged(self.model, False, str(exc))
        embedding = assistant.start_embeddings()
        return StatusChanged(self.model, True, "" if embedding else
                             "Word search only: the embedding model is not pulled.")

    def stop(self) -> None:
        with self._lock:
            assistant = self._assistant
        if assistant is not None:
            assistant.stop()

    def reset(self) -> None:
        with self._lock:
            if self._assistant is not None:
                self._assistant.reset()

    def close(self) -> None:
        with self._lock:
            assistant, self._assistant = self._assistant, None
        if assistant is not None:
            assistant.stop()
            assistant.close()

    def answer(self, pane: AssistantPane, question: str) -> None:
        """Ask and stream into `pane` (blocking: call it in a worker). Only messages reach the UI."""
        try:
            assistant = self.assistant()
            assistant.check()
        except AssistantUnavailable as exc:
            pane.post_message(StatusChanged(self.model, False, str(exc)))
            pane.post_message(ReplyFailed(str(exc)))
            return
        pane.post_message(StatusChanged(self.model, True))
        pane.post_message(ReplyStarted(question))
        answer: Answer | None = None
        try:
            for event in assistant.ask(question):
                if isinstance(event, Token):
                    pane.post_message(ReplyChunk(event.text))
                elif isinstance(event, Done):
                    answer = event.answer
        except AssistantUnavailable as exc:
            pane.post_message(StatusChanged(self.model, False, str(exc)))
            pane.post_message(ReplyFailed(str(exc)))
            return
        if answer is None:
            pane.post_message(ReplyFinished([], stopped=True))
            return
        pane.post_message(ReplyFinished(
            [SourceRef(s.number, s.title, s.path) for s in answer.sources],
            stopped=answer.stopped))
        for proposal in answer.proposals:
            pane.post_message(WriteProposed(proposal, proposal.describe()))

    def apply(self, proposal: ProposedWrite) -> str:
        """Write a confirmed proposal; returns a line for the user."""
        try:
            item = self.assistant().apply(proposal)
        except VaultError as exc:
            return f"Not written: {exc}"
        return f"Added {item.kind}: {item.path}"


class AssistantPanel(Vertical):
    """What the side pane mounts: an `AssistantPane` and the workers that serve it."""

    DEFAULT_CSS = "AssistantPanel { height: 1fr; }"

    def __init__(self, controller: AssistantController, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.controller = controller

    def compose(self) -> ComposeResult:
        yield AssistantPane(model=self.controller.model)

    def on_mount(self) -> None:
        self._check(self.query_one(AssistantPane))

    @work(thread=True, group=GROUP, exclusive=False, exit_on_error=False)
    def _check(self, pane: AssistantPane) -> None:
        pane.post_message(self.controller.status())

    @work(thread=True, group=GROUP, exclusive=True, exit_on_error=False)
    def _ask(self, pane: AssistantPane, question: str) -> None:
        self.controller.answer(pane, question)

    @work(thread=True, group=GROUP + "-write", exit_on_error=False)
    def _apply(self, proposal: ProposedWrite) -> None:
        line = self.controller.apply(proposal)
        self.app.call_from_thread(self.app.notify, line)

    @on(AssistantPane.AskRequested)
    def _ask_requested(self, message: AssistantPane.AskRequested) -> None:
        message.stop()
        self._ask(message.pane, message.question)

    @on(AssistantPane.StopRequested)
    def _stop_requested(self, message: AssistantPane.StopRequested) -> None:
        message.stop()
        self.controller.stop()

    @on(AssistantPane.ResetRequested)
    def _reset_requested(self, message: AssistantPane.ResetRequested) -> None:
        message.stop()
        self.controller.reset()

    @on(AssistantPane.WriteConfirmed)
    def _write_confirmed(self, message: AssistantPane.WriteConfirmed) -> None:
        message.stop()
        if isinstance(message.proposal, ProposedWrite):
            self._apply(message.proposal)

    @on(AssistantPane.WriteDeclined)
    def _write_declined(self, message: AssistantPane.WriteDeclined) -> None:
        message.stop()
        self.app.notify("Nothing written.")

    @on(AssistantPane.OpenSource)
    def _open_source(self, message: AssistantPane.OpenSource) -> None:
        """Solo's app opens items with `open_path`; any other app gets the message itself."""
        opener = getattr(self.app, "open_path", None)
        if callable(opener):
            message.stop()
            opener(message.path)


def install(app: App[Any], vault: Vault | None = None, key: str = "ctrl+j") -> AssistantController:
    """Give every screen's side pane an assistant panel sharing one controller (one conversation).

    Uses `SoloApp.register_side_pane`; the app should call `controller.close()` when it exits and
    handle `AssistantPane.OpenSource` (see the module's report for the exact code).
    """
    controller = AssistantController(vault if vault is not None else app.vault)  # type: ignore[attr-defined]
    register: Callable[..., None] = app.register_side_pane  # type: ignore[attr-defined]
    register(lambda: AssistantPanel(controller), key, "Assistant")
    return controller
