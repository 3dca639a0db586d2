"""The screen-side half of the assistant pane: one `Assistant` and one transcript per app, model
calls in thread workers, results posted to the pane as messages; the transcript saved under
`.solo/assistant-transcript.json`; `install(app)` plugs it into Solo's side pane."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Vertical

from solo.core.assistant.answer import Answer, Assistant, Done, Token
from solo.core.assistant.ollama_client import AssistantUnavailable
from solo.core.assistant.tools import ProposedWrite
from solo.core.engine.fsutil import atomic_write_bytes
from solo.core.vault import Vault, VaultError
from solo.tui.widgets.assistant_pane import (
    AssistantPane,
    ReplyChunk,
    ReplyFailed,
    ReplyFinished,
    ReplyStarted,
    SourceRef,
    StatusChanged,
    Turn,
    WriteProposed,
)

GROUP = "assistant"
TRANSCRIPT_FILE = "assistant-transcript.json"
MAX_TURNS = 200


def load_transcript(path: Path) -> list[Turn]:
    """The saved conversation (oldest first); a missing or damaged file is an empty one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    turns: list[Turn] = []
    for entry in data.get("turns", []) if isinstance(data, dict) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("question"), str):
            continue
        sources = [SourceRef(int(s.get("number", 0)), str(s.get("title", "")), str(s["path"]))
                   for s in entry.get("sources", []) if isinstance(s, dict) and "path" in s]
        turns.append(Turn(entry["question"], str(entry.get("answer", "")), sources,
                          str(entry.get("note", ""))))
    return turns


def save_transcript(path: Path, turns: list[Turn]) -> None:
    """Write the conversation atomically (the last `MAX_TURNS` turns)."""
    data = {"version": 1, "turns": [
        {"question": t.question, "answer": t.answer, "note": t.note,
         "sources": [{"number": s.number, "title": s.title, "path": s.path} for s in t.sources]}
        for t in turns[-MAX_TURNS:]]}
    atomic_write_bytes(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


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
        self.transcript_path = vault.solo_dir / TRANSCRIPT_FILE
        self.turns: list[Turn] = load_transcript(self.transcript_path)

    def record(self, turn: Turn) -> None:
        """Add a finished exchange to the transcript and save it (any thread)."""
        with self._lock:
            self.turns.append(turn)
            turns = list(self.turns)
        self._save(turns)

    def _save(self, turns: list[Turn]) -> None:
        try:
            save_transcript(self.transcript_path, turns)
        except OSError:
            pass  # the transcript is a convenience; the vault is untouched either way

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
        """A new conversation: the model forgets, the transcript is emptied (and saved so)."""
        with self._lock:
            if self._assistant is not None:
                self._assistant.reset()
            self.turns = []
        self._save([])

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
            pane.post_message(ReplyStarted(question))
            pane.post_message(ReplyFailed(str(exc)))
            self.record(Turn(question, note=str(exc)))
            return
        pane.post_message(StatusChanged(self.model, True))
        pane.post_message(ReplyStarted(question))
        answer: Answer | None = None
        text: list[str] = []
        try:
            for event in assistant.ask(question):
                if isinstance(event, Token):
                    text.append(event.text)
                    pane.post_message(ReplyChunk(event.text))
                elif isinstance(event, Done):
                    answer = event.answer
        except AssistantUnavailable as exc:
            pane.post_message(StatusChanged(self.model, False, str(exc)))
            pane.post_message(ReplyFailed(str(exc)))
            self.record(Turn(question, "".join(text), note=str(exc)))
            return
        if answer is None:
            pane.post_message(ReplyFinished([], stopped=True))
            self.record(Turn(question, "".join(text), note="Stopped."))
            return
        sources = [SourceRef(s.number, s.title, s.path) for s in answer.sources]
        pane.post_message(ReplyFinished(sources, stopped=answer.stopped))
        note = "Stopped." if answer.stopped else ("" if sources or not text
                                                  else "No sources cited.")
        self.record(Turn(question, "".join(text), sources, note))
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
        yield AssistantPane(model=self.controller.model, transcript=self.controller.turns)

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
    """Give the app one assistant pane (one controller, one conversation) toggled by `key`.

    Uses `SoloApp.register_side_pane`; the app should call `controller.close()` when it exits and
    handle `AssistantPane.OpenSource` (see the module's report for the exact code).
    """
    controller = AssistantController(vault if vault is not None else app.vault)  # type: ignore[attr-defined]
    register: Callable[..., None] = app.register_side_pane  # type: ignore[attr-defined]
    register(lambda: AssistantPanel(controller), key, "Assistant")
    return controller
