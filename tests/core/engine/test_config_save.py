"""Saving the config edits only what changed: the user's comments and the template survive."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solo.core.config import (
    Config,
    ConfigError,
    Remote,
    config_template,
    load_config,
    save_config,
)


def test_a_remote_added_keeps_the_template_and_the_users_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    mine = "# my own note: the laptop's settings\ntheme = \"light\"  # easier in daylight\n\n"
    path.write_text(mine + config_template())
    config = load_config(path)
    config.remotes.append(Remote("ws://127.0.0.1:8765", "tok"))
    save_config(path, config)
    saved = path.read_text()
    assert saved.startswith(mine + config_template().rstrip("\n"))
    again = load_config(path)
    assert again.remotes == [Remote("ws://127.0.0.1:8765", "tok")] and again.theme == "light"


def test_a_setting_back_to_its_default_is_removed_and_others_stay(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "light"\n\n[assistant]\n# which model\nmodel = "llama3"\n')
    config = load_config(path)
    save_config(path, replace(config, theme=Config().theme))
    saved = path.read_text()
    assert "theme" not in saved and '# which model\nmodel = "llama3"' in saved
    assert load_config(path).assistant.model == "llama3"


def test_an_unchanged_config_is_written_back_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    text = 'theme = "dark"   # said on purpose\n' + config_template().replace(
        "[keys]\n", '[keys]\nquit = "ctrl+q"\n')
    path.write_text(text)
    save_config(path, load_config(path))
    assert path.read_text() == text


def test_a_config_that_does_not_parse_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = \n")
    with pytest.raises(ConfigError, match="config.toml"):
        save_config(path, Config())
    assert path.read_text() == "theme = \n"


@settings(max_examples=60, deadline=None)
@given(theme=st.sampled_from(["dark", "light"]),
       remotes=st.lists(st.tuples(st.integers(1024, 65535), st.none() | st.text("abc", min_size=1)),
                        max_size=3),
       model=st.none() | st.text("abcdefgh:0123456789", min_size=1, max_size=12))
def test_what_is_saved_loads_back_as_the_same_settings(
        tmp_path_factory: pytest.TempPathFactory, theme: str,
        remotes: list[tuple[int, str | None]], model: str | None) -> None:
    path = tmp_path_factory.mktemp("cfg") / "config.toml"
    path.write_text(config_template())
    config = load_config(path)
    config = replace(config, theme=theme,
                     remotes=[Remote(f"ws://127.0.0.1:{port}", token) for port, token in remotes])
    if model is not None:
        config = replace(config, assistant=replace(config.assistant, model=model))
    save_config(path, config)
    again = load_config(path)
    assert (again.theme, again.remotes, again.assistant) == (
        config.theme, config.remotes, config.assistant)
    tomllib.loads(path.read_text())
    save_config(path, again)  # and a second save with nothing changed changes nothing
    assert load_config(path).remotes == config.remotes
