"""MarkdownEditor: a TextArea with regex Markdown highlighting and `[[wikilink]]` following."""

from __future__ import annotations

import re

from textual import events
from textual.theme import Theme
from textual.widgets import TextArea
from textual.widgets.text_area import Document

from solo.core.model import markdown
from solo.tui.messages import LinkActivated

WIKILINK = re.compile(r"\[\[(?P<target>[^\[\]\n|#]+)(?:#[^\[\]\n|]*)?(?:\|[^\[\]\n]*)?\]\]")
_INLINE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"`[^`\n]+`"), "inline_code"),
    (re.compile(r"\*\*[^*\n]+\*\*|__[^_\n]+__"), "bold"),
    (re.compile(r"(?<![*\w])\*[^*\n]+\*(?!\*)|(?<![_\w])_[^_\n]+_(?![_\w])"), "italic"),
    (re.compile(r"~~[^~\n]+~~"), "strikethrough"),
    (WIKILINK, "link.label"),
    (re.compile(r"\[[^\]\n]*\]\([^)\n]*\)"), "link.uri"),
)
_HEADING = re.compile(r"(#{1,6})\s.*")
_LIST = re.compile(r"\s*(?:[-*+]|\d+[.)])(?:\s\[[ xX]\])?\s")


def link_under(line: str, column: int) -> markdown.WikiLink | None:
    """The wikilink under `column` of `line`, if any (the one scanner's reading). A cursor
    just past the closing `]]` is not on the link: Enter there, after typing one, breaks the
    line as anywhere else."""
    for link in markdown.wikilinks(line):
        if link.start <= column < link.end and link.target.strip():
            return link
    return None


def link_at(line: str, column: int) -> str | None:
    """The wikilink target under `column` of `line`, if any."""
    link = link_under(line, column)
    return link.target.strip() if link else None


def activated(link: markdown.WikiLink) -> LinkActivated:
    return LinkActivated(link.target.strip(), (link.heading or "").strip() or None)


class MarkdownEditor(TextArea):
    """Edits Markdown; Enter (or ctrl+click) on a `[[link]]` posts LinkActivated instead."""

    DEFAULT_CSS = """
    MarkdownEditor { height: 1fr; }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, soft_wrap=True, show_line_numbers=False, tab_behavior="focus",
                         id=id)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._follow_theme)
        self._follow_theme(self.app.current_theme)

    def _follow_theme(self, theme: Theme) -> None:
        """Syntax colours that read well on the app's background, light or dark."""
        self.theme = "css" if theme.dark else "github_light"

    def _build_highlight_map(self) -> None:
        """Highlight with regular expressions (no tree-sitter needed); offsets are bytes."""
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        code_rows = {row for row, scanned in enumerate(markdown.lines("\n".join(self.document.lines)))
                     if scanned.in_code}
        for row, line in enumerate(self.document.lines):
            if row in code_rows:  # fences decided by the one Markdown scanner
                highlights[row].append((0, None, "inline_code"))
                continue

            def at(index: int, text: str = line) -> int:
                return len(text[:index].encode("utf-8"))

            heading = _HEADING.match(line)
            if heading:
                highlights[row].append((0, None, "heading"))
                highlights[row].append((0, at(heading.end(1)), "heading.marker"))
                continue
            marker = _LIST.match(line)
            if marker:
                highlights[row].append((0, at(marker.end()), "list.marker"))
            for pattern, name in _INLINE:
                for match in pattern.finditer(line):
                    highlights[row].append((at(match.start()), at(match.end()), name))

    @property
    def text_document(self) -> Document:
        """The document as a plain-text `Document` (offsets ↔ locations); never a syntax tree."""
        document = self.document
        assert isinstance(document, Document)
        return document

    def link_at_cursor(self) -> str | None:
        row, column = self.cursor_location
        return link_at(self.document.get_line(row), column)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.read_only:
            row, column = self.cursor_location
            link = link_under(self.document.get_line(row), column)
            if link:
                event.stop()
                event.prevent_default()
                self.post_message(activated(link))

    async def _on_click(self, event: events.Click) -> None:
        if event.ctrl:
            row, column = self.get_target_document_location(event)
            link = link_under(self.document.get_line(row), column)
            if link:
                event.stop()
                self.post_message(activated(link))
