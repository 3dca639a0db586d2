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
_FORBIDDEN_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"\\|?*]')


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
    if _FORBIDDEN_CHARS.search(path):
        raise UnsafePath(f"path holds a character filesystems refuse: {path!r}")
    parts = path.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise UnsafePath(f"path has an empty, '.' or '..' segment: {path!r}")
        if part.startswith("."):
            raise UnsafePath(f"hidden or Solo-internal segment {part!r} in {path!r}")
        if part != part.strip() or part.endswith("."):
            raise UnsafePath(f"segment with leading/trailing space or dot: {part!r}")
        if len(part.encode("utf-8")) > MAX_SEGMENT_LENGTH:
            raise UnsafePath(f"segment too long: {part[:40]!r}…")
        if part.split(".")[0].lower() in _RESERVED:
            raise UnsafePath(f"reserved device name {part!r}")
    from solo.core.attachments import is_attachment_name  # attachments imports this module

    if not parts[-1].lower().endswith((".md", ".markdown")) and not is_attachment_name(parts[-1]):
        raise UnsafePath(f"not a Markdown file nor an attachment: {path!r}")
    return path


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
