"""Vault settings from `.solo/config.toml`, as typed sections with defaults."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from solo.core.errors import SoloError
from solo.core.fsutil import atomic_write_bytes


class ConfigError(SoloError, ValueError):
    """The config file does not parse or holds a value of the wrong type."""


@dataclass
class AssistantConfig:
    """The private assistant: which Ollama, which models, what never reaches them."""

    host: str = "http://127.0.0.1:11434"
    """Ollama address; `OLLAMA_HOST` overrides it."""
    model: str = "llama3.2"
    """Chat model."""
    embed_model: str = "nomic-embed-text"
    """Embedding model for hybrid retrieval (skipped when not pulled)."""
    context_size: int = 8192
    """Context window (tokens) requested from Ollama."""
    private_folders: list[str] = field(default_factory=list)
    """Folders (vault-relative) whose items never reach any model."""
    allow_remote_host: bool = False
    """Allow an Ollama address that is not on this machine."""


@dataclass
class WorkConfig:
    """Working hours and caps: the right to disconnect."""

    start: str = "09:00"
    end: str = "18:00"
    days: list[str] = field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    daily_cap_minutes: int = 480
    weekly_cap_minutes: int = 2400
    focus_minutes: int = 25
    break_minutes: int = 5

    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.start)

    def end_time(self) -> dt.time:
        return dt.time.fromisoformat(self.end)


@dataclass
class Remote:
    """A sync server this vault syncs with."""

    url: str
    token: str | None = None


@dataclass
class Config:
    """Everything in `.solo/config.toml`."""

    assistant: AssistantConfig = field(default_factory=AssistantConfig)
    work: WorkConfig = field(default_factory=WorkConfig)
    remotes: list[Remote] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)
    """Key remaps for the TUI: binding id → keys."""
    theme: str = "dark"
    urgency: dict[str, Any] = field(default_factory=dict)
    """`[urgency]` coefficient overrides for `solo next` (names in `solo.core.urgency`)."""
    front_matter: str = "toml"
    """Front matter format of files Solo creates: "toml" (`+++`) or "yaml" (`---`)."""
    extra: dict[str, Any] = field(default_factory=dict)


def _section(cls: type, data: Any, name: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"[{name}] must be a table")
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in data.items():
        if key not in known:
            continue
        default = getattr(cls(), key) if key != "url" else ""
        if default is not None and not isinstance(value, type(default)) and not (
                isinstance(default, float) and isinstance(value, int)):
            raise ConfigError(f"{name}.{key} must be {type(default).__name__}, "
                              f"not {type(value).__name__}")
        values[key] = value
    return cls(**values)


def _table(data: Any, name: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ConfigError(f"[{name}] must be a table")
    return dict(data)


def load_config(path: Path) -> Config:
    """Read the config; a missing file means defaults; a bad one raises ConfigError naming it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        remotes = [Remote(url=str(r["url"]), token=r.get("token")) for r in data.get("remotes", [])]
        return Config(
            assistant=_section(AssistantConfig, data.get("assistant", {}), "assistant"),
            work=_section(WorkConfig, data.get("work", {}), "work"),
            remotes=remotes,
            keys={str(k): str(v) for k, v in data.get("keys", {}).items()},
            theme=str(data.get("theme", "dark")),
            urgency=_table(data.get("urgency", {}), "urgency"),
            front_matter="yaml" if data.get("front_matter") == "yaml" else "toml",
            extra={k: v for k, v in data.items()
                   if k not in ("assistant", "work", "remotes", "keys", "theme", "urgency",
                                "front_matter")},
        )
    except (KeyError, TypeError, ConfigError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def save_config(path: Path, config: Config) -> None:
    data: dict[str, Any] = dict(config.extra)
    data["theme"] = config.theme
    if config.front_matter != "toml":
        data["front_matter"] = config.front_matter
    data["assistant"] = {f.name: getattr(config.assistant, f.name) for f in fields(AssistantConfig)}
    data["work"] = {f.name: getattr(config.work, f.name) for f in fields(WorkConfig)}
    if config.keys:
        data["keys"] = dict(config.keys)
    if config.urgency:
        data["urgency"] = dict(config.urgency)
    data["remotes"] = [{k: v for k, v in (("url", r.url), ("token", r.token)) if v is not None}
                       for r in config.remotes]
    atomic_write_bytes(path, tomli_w.dumps(data).encode("utf-8"), mode=0o600)
