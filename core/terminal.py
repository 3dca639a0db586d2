"""Text from files and peers made safe to print on a terminal (the one place that decides).

A title or body a peer wrote can hold escape sequences (`ESC ]`… retitles the window, `ESC [`…
moves the cursor, hides text or rewrites lines already printed) or bidirectional controls
that show a name reversed. `clean` keeps every printable character, newlines and tabs, and
shows each control as a visible escape (`\\x1b`, `<U+202E>`), so the user sees that it is
there and nothing acts on the terminal. JSON output is not cleaned: it is exact.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Patterns kept as text: `re` compiles each on first use (and caches it), not at import.
# C0 controls but tab and newline, DEL, C1 controls, bidi controls, line/paragraph separators
_CONTROL = f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}\\u2028\\u2029]"
_LINE_CONTROL = f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}\\u2028\\u2029]"


def _show(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"<U+{code:04X}>"


def clean(text: object) -> str:
    """`text` as printable text: controls shown as escapes, newlines and tabs kept."""
    return re.sub(_CONTROL, _show, str(text))


def clean_line(text: object) -> str:
    """`text` for one line of output (a title, a path): newlines and tabs shown too."""
    return re.sub(_LINE_CONTROL, _show, str(text))


def has_controls(text: str) -> bool:
    return re.search(_CONTROL, text) is not None
