"""Snapshot tests: every screen on the example vault at 80×24 and 140×40 with a fixed clock."""

from __future__ import annotations

import pytest
from support.tui_helpers import settle

from solo.core.vault import Vault


def steadied(run_before):
    """`run_before`, then every cursor shown without blinking and no toast: a blink every
    0.5 s, or a toast's 2 s timeout, otherwise decides what a loaded machine's screenshot
    shows (both flaked under load)."""
    async def run(pilot) -> None:
        await run_before(pilot)
        pilot.app.clear_notifications()
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False
        await pilot.pause()
    return run


SCREEN_KEYS = {"today": "1", "tasks": "2", "notes": "3", "career": "4", "reviews": "5",
               "upcoming": "6"}


@pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
@pytest.mark.parametrize("screen", list(SCREEN_KEYS))
def test_screen(snap_compare, make_app, screen: str, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(SCREEN_KEYS[screen])
        await settle(pilot)
        await pilot.pause(0.1)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=steadied(run_before))


def test_quick_add_dialog(snap_compare, make_app) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("a", *"Call Karim due:fri !high")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=steadied(run_before))


def test_light_theme_notes(snap_compare, make_app, tui_root) -> None:
    vault = Vault(tui_root)
    vault.config.theme = "light"
    vault.save_config()
    vault.close()

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=steadied(run_before))


SIZES = pytest.mark.parametrize("size", [(80, 24), (140, 40)], ids=["80x24", "140x40"])
MODALS = {
    "search": ("slash", *"exam"),
    "form": ("ctrl+e",),
    "help": ("question_mark",),
    "quick_add": ("a", *"Call Karim due:fri"),
    "quit_with_timer": ("f", "q"),
    "tags": ("number_sign",),
}


@SIZES
@pytest.mark.parametrize("modal", list(MODALS))
def test_modal(snap_compare, make_app, modal: str, size: tuple[int, int]) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        *before, last = MODALS[modal]
        await pilot.press(*before)
        await settle(pilot)
        pilot.app.clear_notifications()  # a toast under the modal would time out under load
        await settle(pilot)
        await pilot.press(last)
        await settle(pilot)
        await pilot.pause(0.1)
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=steadied(run_before))


@SIZES
def test_assistant_pane(snap_compare, make_app, tui_root, size: tuple[int, int]) -> None:
    from support.ollama_server import OllamaServer

    from solo.tui.assistant_controller import save_transcript
    from solo.tui.widgets.assistant_pane import SourceRef, Turn

    save_transcript(tui_root / ".solo" / "assistant-transcript.json", [
        Turn("Next exam?", "Your SAP-C02 exam is on 2027-01-20 in Lyon [1].",
             [SourceRef(1, "AWS SA Pro exam", "learning/aws-sa-pro-exam.md")])])
    with OllamaServer() as server:
        vault = Vault(tui_root)
        vault.config.assistant.host = server.url
        vault.save_config()
        vault.close()
        app = make_app()

        async def run_before(pilot) -> None:
            await settle(pilot)
            await pilot.press("ctrl+j")
            await settle(pilot)
            from solo.tui.widgets.assistant_pane import AssistantPane
            pane = pilot.app.screen.query_one(AssistantPane)
            for _ in range(200):
                if pane.online is not None:
                    break
                await pilot.pause(0.02)
            await pilot.press(*"When is the")
            await settle(pilot)

        assert snap_compare(app, terminal_size=size, run_before=steadied(run_before))
