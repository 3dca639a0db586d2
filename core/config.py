"""Vault settings from `.solo/config.toml`, as typed sections with defaults."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from solo.core.engine.fsutil import atomic_write_bytes
from solo.core.errors import SoloError


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
    """Start of the working day (HH:MM)."""
    end: str = "18:00"
    """End of the working day (HH:MM); after it Solo stops nudging."""
    days: list[str] = field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"])
    """Working days."""
    daily_cap_minutes: int = 480
    """Minutes of work per day before Solo says you are over."""
    weekly_cap_minutes: int = 2400
    """Minutes of work per week before Solo says you are over."""
    focus_minutes: int = 25
    """Length of a focus (Pomodoro) session."""
    break_minutes: int = 5
    """Length of the break after a focus session."""

    def start_time(self) -> dt.time:
        return dt.time.fromisoformat(self.start)

    def end_time(self) -> dt.time:
        return dt.time.fromisoformat(self.end)


@dataclass
class DailyConfig:
    """Daily notes, with the defaults of Obsidian's Daily Notes plugin (except the folder)."""

    folder: str = "notes/daily"
    """Folder (vault-relative) of the daily notes."""
    format: str = "YYYY-MM-DD"
    """File name of a day's note, in Moment.js tokens as in Obsidian ("/" makes sub-folders)."""
    template: str = ""
    """Template file (vault-relative) a new daily note starts from; empty: an empty note."""


@dataclass
class NotesConfig:
    """Where new notes and templates live."""

    templates: str = "templates"
    """Folder (vault-relative) of note templates (`solo add note --template NAME`)."""
    new_note_folder: str = ""
    """Folder of a note created from an unresolved link; empty: the linking note's folder."""


@dataclass
class SyncConfig:
    """Sync safety: how much one round may delete before it asks."""

    max_deletes: int = 20
    """A sync round deleting more files than this AND more than `max_delete_share` of the
    vault holds the deletions back until `solo deletes --apply` confirms them."""
    max_delete_share: float = 0.10
    """Share of the vault's files (0–1) a round may delete without confirmation."""


@dataclass
class Remote:
    """A sync server this vault syncs with."""

    url: str
    token: str | None = None
    ca: str | None = None
    """A CA certificate file to verify a wss:// server by (None: the system's store)."""


@dataclass
class Config:
    """Everything in `.solo/config.toml`."""

    assistant: AssistantConfig = field(default_factory=AssistantConfig)
    work: WorkConfig = field(default_factory=WorkConfig)
    daily: DailyConfig = field(default_factory=DailyConfig)
    notes: NotesConfig = field(default_factory=NotesConfig)
    remotes: list[Remote] = field(default_factory=list)
    sync: SyncConfig = field(default_factory=SyncConfig)
    keys: dict[str, str] = field(default_factory=dict)
    """Key remaps for the TUI: binding id → keys."""
    theme: str = "dark"
    """Colour theme of the full-screen interface: "dark" or "light"."""
    urgency: dict[str, Any] = field(default_factory=dict)
    """`[urgency]` coefficient overrides for `solo next` (names in `solo.core.planning.urgency`)."""
    front_matter: str = "toml"
    """Front matter format of files Solo creates: "toml" (`+++`) or "yaml" (`---`)."""
    attachments_max_mb: float = 20
    """Largest attachment (image, PDF, any non-Markdown file) Solo syncs, in MB; 0 turns attachments off."""
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """Unknown keys found while reading the file, one line each (the keys are kept)."""


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


def _size_mb(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"attachments_max_mb must be a number of MB, 0 or more, not {value!r}")
    return float(value)


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
    config = _parse(path, data)
    config.warnings = config_warnings(path, data)
    return config


def _parse(path: Path, data: dict[str, Any]) -> Config:
    try:
        remotes = [Remote(url=str(r["url"]), token=r.get("token"), ca=r.get("ca")) for r in data.get("remotes", [])]
        return Config(
            assistant=_section(AssistantConfig, data.get("assistant", {}), "assistant"),
            work=_section(WorkConfig, data.get("work", {}), "work"),
            daily=_section(DailyConfig, data.get("daily", {}), "daily"),
            notes=_section(NotesConfig, data.get("notes", {}), "notes"),
            sync=_section(SyncConfig, data.get("sync", {}), "sync"),
            remotes=remotes,
            keys={str(k): str(v) for k, v in data.get("keys", {}).items()},
            theme=str(data.get("theme", "dark")),
            urgency=_table(data.get("urgency", {}), "urgency"),
            front_matter="yaml" if data.get("front_matter") == "yaml" else "toml",
            attachments_max_mb=_size_mb(data.get("attachments_max_mb", 20)),
            extra={k: v for k, v in data.items()
                   if k not in ("assistant", "work", "daily", "notes", "sync", "remotes", "keys",
                                "theme", "urgency", "front_matter", "attachments_max_mb")},
        )
    except (KeyError, TypeError, ConfigError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _wanted(config: Config) -> dict[str, Any]:
    """The settings that differ from the defaults, the `[keys]` remaps, the remotes and any
    keys Solo does not know: what a config file must hold to give `config`."""
    data: dict[str, Any] = dict(config.extra)
    if config.theme != Config().theme:
        data["theme"] = config.theme
    if config.front_matter != Config().front_matter:
        data["front_matter"] = config.front_matter
    if config.attachments_max_mb != Config().attachments_max_mb:
        data["attachments_max_mb"] = config.attachments_max_mb
    for name, cls in SECTIONS.items():
        section, default = getattr(config, name), cls()
        changed = {f.name: getattr(section, f.name) for f in fields(cls)
                   if getattr(section, f.name) != getattr(default, f.name)}
        if changed:
            data[name] = changed
    if config.keys:
        data["keys"] = dict(config.keys)
    if config.urgency:
        data["urgency"] = dict(config.urgency)
    if config.remotes:
        data["remotes"] = [{k: v for k, v in (("url", r.url), ("token", r.token), ("ca", r.ca)) if v is not None}
                           for r in config.remotes]
    return data


def _edit(doc: MutableMapping[str, Any], old: Mapping[str, Any], new: Mapping[str, Any],
          defaults: Mapping[str, Any]) -> None:
    """Change in `doc` only the keys whose value in effect differs between `old` and `new`."""
    import tomlkit

    for key in dict.fromkeys([*old, *new]):
        if key in SECTIONS and isinstance(new.get(key, {}), dict):
            section = doc.get(key)
            if not isinstance(section, MutableMapping):
                section = tomlkit.table()
            _edit(section, old.get(key, {}) if isinstance(old.get(key), dict) else {},
                  new.get(key, {}), dict(defaults.get(key, {})))
            if key in doc or len(section):
                doc[key] = section
            continue
        before, after = old.get(key, defaults.get(key)), new.get(key, defaults.get(key))
        empty: tuple[object, ...] = ({}, [], None)  # an empty table in the file says nothing: same as absent
        if before == after or (before in empty and after in empty):
            continue
        if key in new:
            value = new[key]
            if key == "remotes":
                tables = tomlkit.aot()
                for entry in value:
                    tables.append(tomlkit.item(entry))
                value = tables
            doc[key] = value
        elif key in doc:
            del doc[key]


def save_config(path: Path, config: Config) -> None:
    """Write `config` by editing only what changed in the file there: the user's comments,
    order and commented-out template lines stay. A new file holds only the values that
    differ from the defaults (so a later version's defaults still apply to the rest)."""
    import tomlkit  # (only a write needs it: reading the config is `tomllib`'s)
    import tomlkit.exceptions

    wanted = _wanted(config)
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomlkit.parse(text)
        old = doc.unwrap()
    except FileNotFoundError:
        doc = tomlkit.parse(
            "# Solo vault settings: only values that differ from the defaults are listed.\n"
            "# `solo config` shows every setting in effect; docs/reference.md lists them all.\n")
        old = {}
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}; fix it by hand before Solo changes it") from None
    defaults = {"theme": Config().theme, "front_matter": Config().front_matter,
                "attachments_max_mb": Config().attachments_max_mb,
                **{name: {f.name: getattr(cls(), f.name) for f in fields(cls)}
                   for name, cls in SECTIONS.items()}}
    _edit(doc, old, wanted, defaults)
    atomic_write_bytes(path, tomlkit.dumps(doc).encode("utf-8"), mode=0o600)


# --- reference, warnings and where values come from ----------------------------------------
SECTIONS: dict[str, type] = {"assistant": AssistantConfig, "work": WorkConfig,
                             "daily": DailyConfig, "notes": NotesConfig, "sync": SyncConfig}
TOP_LEVEL = ("theme", "front_matter", "attachments_max_mb")
ENVIRONMENT: dict[str, str] = {"assistant.host": "OLLAMA_HOST"}
"""Settings an environment variable overrides: dotted key → variable."""


def _doc(cls: type, name: str) -> str:
    """The docstring written under a dataclass field (read from the source)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, after in zip(body, body[1:], strict=False):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == name \
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            return " ".join(str(after.value.value).split())
    return ""


@dataclass(frozen=True)
class Setting:
    """One configuration key: its dotted name, default, meaning and (once resolved) source."""

    key: str
    default: Any
    doc: str
    value: Any = None
    source: str = "default"


def settings() -> list[Setting]:
    """Every known key with its default and meaning, in file order (theme, [assistant], [work])."""
    out = [Setting(name, getattr(Config(), name), _doc(Config, name)) for name in TOP_LEVEL]
    for section, cls in SECTIONS.items():
        out += [Setting(f"{section}.{f.name}", getattr(cls(), f.name), _doc(cls, f.name))
                for f in fields(cls)]
    out.append(Setting("keys.<binding id>", None, "Key remap for the full-screen interface: "
                       'binding id = "keys" (see `?` in the interface).'))
    out.append(Setting("urgency.<coefficient>", None, "Urgency coefficient override for "
                       "`solo next` (names in `solo.core.planning.urgency`)."))
    out.append(Setting("remotes", [], "Sync servers: [[remotes]] tables with url, token and "
                       "ca (a CA certificate file for wss://; written by `solo remote add`)."))
    return out


def _toml(value: Any) -> str:
    """A value as one line of TOML."""
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return tomli_w.dumps({"v": value}).strip()[len("v = "):]


def config_template() -> str:
    """A commented `.solo/config.toml` listing every key with its default, commented out."""
    lines = ["# Solo vault settings. Every key is listed with its default, commented out:",
             "# remove the '# ' before a key to change it. `solo config` shows what is in effect.",
             ""]
    by_section: dict[str, list[Setting]] = {}
    for item in settings():
        section, _, _ = item.key.rpartition(".")
        by_section.setdefault(section, []).append(item)
    for item in by_section.pop(""):
        if item.key == "remotes":
            continue
        lines += [f"# {item.doc}", f"# {item.key} = {_toml(item.default)}", ""]
    for section, items in by_section.items():
        if section == "keys":
            lines += ["[keys]", f"# {items[0].doc}", '# "app.quit" = "q"', ""]
            continue
        if section == "urgency":
            lines += ["[urgency]", f"# {items[0].doc}", "# due = 12.0", ""]
            continue
        lines.append(f"[{section}]")
        for item in items:
            name = item.key.split(".", 1)[1]
            env = ENVIRONMENT.get(item.key)
            doc = item.doc + (f" (`{env}` overrides it.)" if env and env not in item.doc else "")
            lines += [f"# {doc}", f"# {name} = {_toml(item.default)}"]
        lines.append("")
    lines += ["# Sync servers, added by `solo remote add URL --token T`:",
              "# [[remotes]]", '# url = "ws://127.0.0.1:3030"', '# token = "s3cret"',
              '# ca = "/path/to/ca.pem"  # for a wss:// server with a private CA', ""]
    return "\n".join(lines)


def write_default_config(path: Path) -> bool:
    """Write the commented template at `path` unless a config is already there."""
    if path.exists():
        return False
    atomic_write_bytes(path, config_template().encode("utf-8"), mode=0o600)
    return True


def _unknown(where: Path, name: str, known: Iterable[str], section: str | None) -> str:
    place = f" in [{section}]" if section else ""
    import difflib  # (only for a setting that is not known)

    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{where.parent.name}/{where.name}: unknown key {name!r}{place}{hint}"


def config_warnings(path: Path, data: Mapping[str, Any],
                    binding_ids: Iterable[str] | None = None) -> list[str]:
    """One line per key the file holds that Solo does not know (binding ids too, when given)."""
    out: list[str] = []
    top = [*SECTIONS, *TOP_LEVEL, "keys", "urgency", "remotes"]
    for key, value in data.items():
        if key not in top:
            out.append(_unknown(path, key, top, None))
        elif key in SECTIONS and isinstance(value, dict):
            names = [f.name for f in fields(SECTIONS[key])]
            out += [_unknown(path, name, names, key) for name in value if name not in names]
    keys = data.get("keys")
    if binding_ids is not None and isinstance(keys, dict):
        out += binding_warnings(path, keys, binding_ids)
    return out


def binding_warnings(path: Path, keys: Iterable[str], binding_ids: Iterable[str]) -> list[str]:
    """One line per `[keys]` entry that names no binding, with the closest binding id."""
    ids = list(binding_ids)
    return [_unknown(path, name, ids, "keys").replace("unknown key", "unknown binding id")
            for name in keys if name not in ids]


def effective(path: Path, env: Mapping[str, str] | None = None) -> list[Setting]:
    """Every setting's value in effect and where it came from: default, the file, or a variable."""
    env = os.environ if env is None else env
    config = load_config(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    where = f"{path.parent.name}/{path.name}"
    out: list[Setting] = []
    for item in settings():
        section, _, name = item.key.rpartition(".")
        if item.key in ("keys.<binding id>", "urgency.<coefficient>"):
            table = config.keys if section == "keys" else config.urgency
            out += [Setting(f"{section}.{k}", None, item.doc, v, where) for k, v in table.items()]
            continue
        if item.key == "remotes":
            value: Any = [{"url": r.url, **({"token": "***"} if r.token else {})}
                          for r in config.remotes]
            out.append(Setting("remotes", [], item.doc, value, where if value else "default"))
            continue
        holder: Any = getattr(config, section) if section else config
        source = where if name in (data.get(section, {}) if section else data) else "default"
        value = getattr(holder, name)
        variable = ENVIRONMENT.get(item.key)
        if variable and env.get(variable):
            value, source = env[variable], f"${variable}"
        out.append(Setting(item.key, item.default, item.doc, value, source))
    return out
