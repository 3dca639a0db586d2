"""Untrusted vault paths (from a sync peer's index) checked before they touch the disk."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path, PurePosixPath

from solo.core.errors import SoloError

MAX_PATH_LENGTH = 400
MAX_SEGMENT_LENGTH = 200
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
# Patterns kept as text: `re` compiles each on first use (and caches it), not at import.
_FORBIDDEN_CHARS = r'[\x00-\x1f\x7f<>:"\\|?*]'
_BIDI_CONTROLS = "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"


class UnsafePath(SoloError, ValueError):
    """A path that could escape the vault, hide in `.solo/`, or be mangled by a filesystem."""


def check_relative_path(path: object) -> str:
    """Return `path` when it is a safe vault-relative Markdown or attachment path, else raise
    UnsafePath."""
    if not isinstance(path, str) or not path:
        raise UnsafePath(f"not a path: {path!r}")
    if len(path) > MAX_PATH_LENGTH:
        raise UnsafePath(f"path too long ({len(path)} characters)")
    if unicodedata.normalize("NFC", path) != path:
        raise UnsafePath(f"path is not in Unicode normal form C: {path!r}")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path):
        raise UnsafePath(f"absolute path: {path!r}")
    if re.search(_FORBIDDEN_CHARS, path):
        raise UnsafePath(f"path holds a character filesystems refuse: {path!r}")
    if re.search(_BIDI_CONTROLS, path):
        raise UnsafePath(f"path holds a bidirectional text control, which can disguise a "
                         f"name: {path!r}")
    parts = path.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise UnsafePath(f"path has an empty, '.' or '..' segment: {path!r}")
        if part.startswith("."):
            raise UnsafePath(f"hidden or Solo-internal segment {part!r} in {path!r}")
        if part.startswith("~"):
            raise UnsafePath(f"segment {part!r} starts with '~' (a shell expands it to a home "
                             "folder)")
        if part != part.strip() or part.endswith("."):
            raise UnsafePath(f"segment with leading/trailing space or dot: {part!r}")
        if len(part.encode("utf-8")) > MAX_SEGMENT_LENGTH:
            raise UnsafePath(f"segment too long: {part[:40]!r}…")
        if part.split(".")[0].lower() in _RESERVED:
            raise UnsafePath(f"reserved device name {part!r}")
    from solo.core.engine.attachments import is_attachment_name  # attachments imports this module

    if not parts[-1].lower().endswith((".md", ".markdown")) and not is_attachment_name(parts[-1]):
        raise UnsafePath(f"not a Markdown file nor an attachment: {path!r}")
    return path


def safe_name(rel: str) -> str:
    """A name close to `rel` that `check_relative_path` accepts (a suggestion; nothing is
    renamed): NFC, refused characters and bidi controls replaced, reserved device names and
    leading `~`/`.` escaped, over-long segments cut at a character boundary."""
    text = unicodedata.normalize("NFC", rel)
    text = re.sub(_BIDI_CONTROLS, "", text)
    text = re.sub(r"[\t\n\r]+", " ", text)
    text = re.sub(_FORBIDDEN_CHARS, "-", text)
    parts = [p for p in text.split("/") if p not in ("", ".", "..")] or ["note.md"]
    out: list[str] = []
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        stem, dot, ext = part.rpartition(".") if last and "." in part else (part, "", "")
        stem = stem.strip().lstrip(".~").rstrip(". ") or "note"
        first, sep, rest = stem.partition(".")
        if first.lower() in _RESERVED:
            stem = f"{first}-{sep}{rest}"
        suffix = f"{dot}{ext}" if last else ""
        if last and not suffix.lower().endswith((".md", ".markdown")):
            suffix = f"{suffix}.md" if suffix else ".md"
        room = MAX_SEGMENT_LENGTH - len(suffix.encode("utf-8"))
        stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip(". ") or "note"
        out.append(stem + suffix)
    result = "/".join(out)
    return result[:MAX_PATH_LENGTH]


def resolve_inside(root: Path, rel: str) -> Path:
    """The absolute path of a checked `rel` under `root`, refusing symlinked parents."""
    check_relative_path(rel)
    current = root
    for part in PurePosixPath(rel).parts[:-1]:
        current = current / part
        if os.path.islink(current):
            raise UnsafePath(f"{rel}: folder {part!r} is a symbolic link")
        if current.exists() and not current.is_dir():
            raise UnsafePath(f"{rel}: {part!r} is a file, not a folder")
    target = current / PurePosixPath(rel).name
    if os.path.islink(target):
        raise UnsafePath(f"{rel}: is a symbolic link")
    return target


def conflict_name(rel: str, tag: str) -> str:
    """A visible sibling name for the losing side of a path conflict: `a (conflict tag).md`."""
    path = PurePosixPath(rel)
    return str(path.with_name(f"{path.stem} (conflict {tag}){path.suffix}"))
