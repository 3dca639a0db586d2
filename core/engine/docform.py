"""How a file becomes a document and an index row, and back: validation, render, first build."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from solo.core.engine.attachments import is_attachment_content
from solo.core.engine.crdt import CrdtError, Doc, storable_problem
from solo.core.engine.index import Row
from solo.core.model import fileformat
from solo.core.model import kinds as model

if TYPE_CHECKING:
    from solo.core.model import markdown

MAX_MIRROR_BYTES = 1024 * 1024


def content_sha(data: bytes) -> str:
    """The fingerprint the index keeps of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


class BadDocument(CrdtError):
    """A file document whose content cannot become a file (a peer sent the wrong shape)."""


_PLAIN = (str, bool, int, float)


def _clean_value(value: Any, where: str, keep_nulls: bool = False) -> Any:
    """A front matter value with nulls dropped (a cleared field) unless `keep_nulls` (YAML
    writes them: an empty Obsidian property); BadDocument if unwritable."""
    if isinstance(value, Mapping):
        return {str(k): _clean_value(v, f"{where}.{k}", keep_nulls) for k, v in value.items()
                if v is not None or keep_nulls}
    if isinstance(value, list):
        return [_clean_value(v, f"{where}[{i}]", keep_nulls) for i, v in enumerate(value)
                if v is not None or keep_nulls]
    if value is None and keep_nulls:
        return None
    if isinstance(value, bytes | bytearray):
        raise BadDocument(f"{where} holds bytes, which front matter cannot hold")
    if not isinstance(value, _PLAIN):
        raise BadDocument(f"{where} holds a {type(value).__name__}, which front matter cannot hold")
    return value


def file_content(doc: Doc) -> tuple[str, str, dict[str, Any]]:
    """A file document's (head, body, meta), validated: the one door from a document to a file.

    A missing part is empty; a null meta value means the key is gone (as clearing a field in
    a JS app intends) in TOML front matter, which has no null, and an empty property in YAML. Text that is not text, a meta that is not a map, or a value front
    matter cannot hold (bytes) raise BadDocument naming the problem."""
    return content_parts(doc.to_python())


def content_parts(content: Mapping[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """`file_content` of a document's plain content (e.g. an earlier version's)."""
    if is_attachment_content(content):
        raise BadDocument("it is an attachment (bytes), not a note")
    head = content.get("head")
    body = content.get("body")
    meta = content.get("meta")
    for name, part in (("head", head), ("body", body)):
        if part is not None and not isinstance(part, str):
            raise BadDocument(f"its {name} is a {type(part).__name__}, not text")
    if meta is not None and not isinstance(meta, Mapping):
        raise BadDocument(f"its meta is a {type(meta).__name__}, not a map")
    yaml_head = (head or "").startswith(("---\n", "---\r\n"))
    cleaned = _clean_value(meta or {}, "meta", keep_nulls=yaml_head)
    assert isinstance(cleaned, dict)
    return head or "", body or "", cleaned


def render_doc(doc: Doc) -> str:
    """The file text of a file document (BadDocument when it cannot be one)."""
    return render_content(doc.to_python())


def render_content(content: Mapping[str, Any]) -> str:
    """`render_doc` of a document's plain content (e.g. an earlier version's)."""
    head, body, meta = content_parts(content)
    try:
        return fileformat.render(head, body, meta)
    except (TypeError, ValueError, OverflowError) as exc:
        raise BadDocument(f"its front matter cannot be written: {exc}") from exc


def unmirrorable(data: bytes) -> bool:
    """True for bytes Solo keeps as they are (binary, not UTF-8, over the cap)."""
    if len(data) > MAX_MIRROR_BYTES or b"\0" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def new_file_doc(actor: bytes | None, parsed: fileformat.Parsed) -> Doc:
    """The first version of a file's document: its meta, head and body in one change."""
    doc = Doc.new(actor)
    with doc.change() as edit:
        edit.put(["meta"], parsed.meta)
        edit.set_text(["head"], parsed.head)
        edit.set_text(["body"], parsed.body)
    return doc


def new_file_bytes(actor: bytes, parsed: fileformat.Parsed) -> tuple[bytes, bytes]:
    """`new_file_doc(actor, parsed)` saved, and its head, encoded without the binding (see
    `crdt_encode`): what a bulk ingest writes, already a compacted snapshot. CrdtError for
    content it cannot hold."""
    from solo.core.engine.crdt_encode import EncodeError, first_snapshot  # (writes only)

    try:
        return first_snapshot(actor, {"meta": parsed.meta},
                            {"head": parsed.head, "body": parsed.body})
    except EncodeError as exc:
        raise CrdtError(str(exc)) from None


def make_row(rel: str, doc_id: str, parsed: fileformat.Parsed, mtime_ns: int, size: int,
             sha: str, scanned: markdown.Scanned | None = None) -> Row:
    """The index row of a mirrored file, from its parsed text (`scanned`: its body's scan,
    shared with the file's other consumers)."""
    from solo.core.model import markdown  # (ingests only)
    from solo.core.model.checkbox import page_properties

    fields = parsed.meta or page_properties(parsed.body)  # Logseq `key:: value`, read only
    scanned = scanned or markdown.scan(parsed.body)
    tags = markdown.item_tags(fields.get("tags"), scanned)

    def text_or_none(key: str) -> str | None:
        value = fields.get(key)
        return value if isinstance(value, str) else None

    return Row(path=rel, doc_id=doc_id, kind=model.kind_for(rel, parsed.fields),
               title=model.title_for(rel, parsed.fields, parsed.body, scanned),
               status=text_or_none("status"), due=text_or_none("due"),
               scheduled=text_or_none("scheduled"), priority=text_or_none("priority"),
               tags=[str(t) for t in tags or []], fields=fields,
               private=fields.get("private") is True, mtime_ns=mtime_ns, size=size, sha=sha,
               problem=parsed.problem and f"{rel}: {parsed.problem}; kept as body text")


def storable(parsed: fileformat.Parsed) -> fileformat.Parsed:
    """Front matter a document cannot hold (too deep, an integer past 64 bits) is not front
    matter: the whole file is body text, kept byte for byte and flagged with the problem."""
    problem = storable_problem(parsed.meta) if parsed.meta else None
    if problem is None:
        return parsed
    return fileformat.Parsed(head="", body=parsed.text, problem=f"front matter {problem}")

