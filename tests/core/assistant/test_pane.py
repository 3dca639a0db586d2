"""Pilot tests of the assistant pane: streaming, stopping, sources, offline, confirm, the transcript
(kept, saved, restored, cleared, copied) and the one pane of Solo's app."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from support.ollama_server import OllamaServer, ToolCall
from textual.app import App, ComposeResult
from textual.widgets import Markdown, OptionList, Static

from solo.core.vault import Vault
from solo.tui.assistant_controller import AssistantController, AssistantPanel
from solo.tui.widgets.assistant_pane import AssistantPane, ConfirmWrite

from .conftest import TODAY

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class PaneApp(App[None]):
    def __init__(self, controller: AssistantController) -> None:
        super().__init__()
        self.controller = controller
        self.opened: list[str] = []

    def compose(self) -> ComposeResult:
        yield AssistantPanel(self.controller)

    def on_assistant_pane_open_source(self, message: AssistantPane.OpenSource) -> None:
        self.opened.append(message.path)

    def on_unmount(self) -> None:
        self.controller.close()


async def wait_for(predicate: Any, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def controller_for(vault: Vault, server: OllamaServer) -> AssistantController:
    vault.config.assistant.host = server.url
    return AssistantController(vault, today=lambda: TODAY)


async def ask(pilot: Any, question: str) -> None:
    await pilot.click("#assistant-question")
    for char in question:
        await pilot.press(char if char != " " else "space")
    await pilot.press("enter")


async def test_streams_a_reply_and_escape_stops_it(example_vault: Vault) -> None:
    long_reply = " ".join(f"word{i}" for i in range(300)) + " [1]"
    with OllamaServer(reply=lambda _r: long_reply, token_delay=0.02) as server:
        app = PaneApp(controller_for(example_vault, server))
        async with app.run_test(size=(100, 40)) as pilot:
            pane = app.query_one(AssistantPane)
            await wait_for(lambda: pane.online is True)
            assert "llama3.2" in pane.border_title and "ready" in pane.border_title
            await ask(pilot, "When is my exam?")
            await wait_for(lambda: len(pane.reply_text) > 30)
            assert pane.busy and "answering" in pane.border_title
            await wait_for(lambda: "word" in app.query_one(Markdown).source)
            await pilot.press("escape")
            await wait_for(lambda: not pane.busy, within=3)
            streamed = pane.reply_text
            assert "word0" in streamed and len(streamed) < len(long_reply)
            assert "Stopped" in str(app.query_one(".turn-state", Static).render())
            await pilot.pause(0.2)
            assert pane.reply_text == streamed  # nothing arrives after the stop
        assert server.requests_to("/api/chat")[-1].disconnected


async def test_sources_are_listed_and_enter_asks_to_open_one(example_vault: Vault) -> None:
    with OllamaServer() as server:
        app = PaneApp(controller_for(example_vault, server))
        async with app.run_test(size=(100, 40)) as pilot:
            pane = app.query_one(AssistantPane)
            await wait_for(lambda: pane.online is True)
            await ask(pilot, "When is my exam?")
            await wait_for(lambda: not pane.busy and bool(pane.turns))
            sources = pane.turns[-1].query_one(".assistant-sources", OptionList)
            await wait_for(lambda: sources.option_count > 0)
            ids = [sources.get_option_at_index(i).id for i in range(sources.option_count)]
            assert "learning/aws-sa-pro-exam.md" in ids
            sources.focus()
            sources.highlighted = ids.index("learning/aws-sa-pro-exam.md")
            await pilot.press("enter")
            await wait_for(lambda: app.opened == ["learning/aws-sa-pro-exam.md"])


async def test_ollama_down_shows_a_clear_state(example_vault: Vault) -> None:
    server = OllamaServer().start()
    controller = controller_for(example_vault, server)
    server.stop()
    app = PaneApp(controller)
    async with app.run_test(size=(100, 40)) as pilot:
        pane = app.query_one(AssistantPane)
        await wait_for(lambda: pane.online is False)
        assert "offline" in pane.border_title
        state = str(app.query_one("#assistant-state", Static).render())
        assert "ollama serve" in state
        await ask(pilot, "When is my exam?")
        await wait_for(lambda: not pane.busy)
        await pilot.pause(0.1)
        assert "ollama serve" in str(app.query_one("#assistant-state", Static).render())


async def test_a_proposed_write_waits_for_the_dialog(example_vault: Vault) -> None:
    def reply(request: dict[str, Any]) -> ToolCall | str:
        if request["messages"][-1]["role"] == "tool":
            return "Proposed."
        return ToolCall("propose_achievement", {"title": "Passed practice exam 3",
                                                "date": "2026-11-26"})

    target = example_vault.root / "achievements" / "passed-practice-exam-3.md"
    with OllamaServer(reply=reply) as server:
        app = PaneApp(controller_for(example_vault, server))
        async with app.run_test(size=(100, 40)) as pilot:
            pane = app.query_one(AssistantPane)
            await wait_for(lambda: pane.online is True)
            await ask(pilot, "Record that I passed practice exam 3")
            await wait_for(lambda: isinstance(app.screen, ConfirmWrite))
            assert not target.exists()
            await pilot.press("n")
            await pilot.pause(0.2)
            assert not target.exists()
            await ask(pilot, "Record that I passed practice exam 3")
            await wait_for(lambda: isinstance(app.screen, ConfirmWrite))
            await pilot.press("y")
            await wait_for(target.exists)
    assert example_vault.resolve("passed-practice-exam-3").fields["date"] == \
        dt.date(2026, 11, 26).isoformat()


async def test_the_transcript_keeps_every_turn_and_survives_a_restart(
        example_vault: Vault) -> None:
    answers = iter(["Your exam is on 2027-01-20 [1].", "The next one is the proposal [2]."])
    with OllamaServer(reply=lambda _r: next(answers)) as server:
        app = PaneApp(controller_for(example_vault, server))
        async with app.run_test(size=(100, 40)) as pilot:
            pane = app.query_one(AssistantPane)
            await wait_for(lambda: pane.online is True)
            await ask(pilot, "Next exam?")
            await wait_for(lambda: not pane.busy and len(pane.turns) == 1)
            await ask(pilot, "And after?")
            await wait_for(lambda: not pane.busy and len(pane.turns) == 2
                           and bool(pane.turns[1].turn.answer))
            questions = [str(t.query_one(".turn-question", Static).render()) for t in pane.turns]
            assert questions == ["» Next exam?", "» And after?"]
            assert "2027-01-20" in pane.turns[0].answer_view.source  # not replaced
            await pilot.press("ctrl+y")
            assert app.clipboard == pane.turns[1].turn.answer
        saved = example_vault.solo_dir / "assistant-transcript.json"
        assert saved.exists()
        app = PaneApp(controller_for(example_vault, server))  # a restart
        async with app.run_test(size=(100, 40)) as pilot:
            pane = app.query_one(AssistantPane)
            await wait_for(lambda: len(pane.turns) == 2)
            assert pane.turns[0].turn.question == "Next exam?"
            assert "2027-01-20" in pane.turns[0].turn.answer
            await pilot.click("#assistant-question")
            await pilot.press("ctrl+l")
            await wait_for(lambda: not pane.turns)
        assert '"turns": []' in saved.read_text(encoding="utf-8")


async def test_solos_one_pane_takes_the_focus_and_opens_sources(example_vault: Vault) -> None:
    from solo.tui.app import SoloApp
    from solo.tui.screens.form import FormScreen
    from solo.tui.screens.today import TodayScreen

    with OllamaServer() as server:
        example_vault.config.assistant.host = server.url
        example_vault.save_config()
        app = SoloApp(example_vault.root, today=TODAY, watch=False)
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+j")
            pane = app.screen.query_one(AssistantPane)
            await wait_for(lambda: pane.online is True)
            assert app.focused is pane.query_one("#assistant-question")
            for char in "Next exam?":
                await pilot.press(char if char != " " else "space")
            await pilot.press("enter")
            await wait_for(lambda: not pane.busy and "[1]" in pane.reply_text)
            assert pane.turns[-1].turn.question == "Next exam?"
            await pilot.press("ctrl+j")  # hide, switch screen, show: the same conversation
            await wait_for(lambda: isinstance(app.screen, TodayScreen))
            await pilot.press("2", "ctrl+j")
            await wait_for(lambda: app.screen.query_one(AssistantPane) is pane)
            sources = pane.turns[-1].query_one(".assistant-sources", OptionList)
            await pilot.press("tab")
            assert app.focused is sources
            ids = [sources.get_option_at_index(i).id for i in range(sources.option_count)]
            sources.highlighted = ids.index("learning/aws-sa-pro-exam.md")
            await pilot.press("enter")
            await wait_for(lambda: getattr(app.screen, "open_path", None)
                           == "learning/aws-sa-pro-exam.md")
            assert not any(isinstance(s, FormScreen) for s in app.screen_stack)
        assert server.chat_requests()
