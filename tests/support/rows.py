"""Index rows built in memory, for pure tests of filters and urgency."""

from __future__ import annotations

from typing import Any

from solo.core.engine.index import Row
from solo.core.model.fileformat import to_json


def task_row(title: str, kind: str = "task", **fields: Any) -> Row:
    """A row as the index would hold it: dates as ISO strings, tags as a list."""
    stem = title.lower().replace(" ", "-")
    meta = to_json({"title": title, **fields})
    doc_id = (stem.encode().hex() + "0" * 32)[:32]
    return Row(path=f"{kind}s/{stem}.md", doc_id=doc_id, kind=kind, title=title,
               status=meta.get("status"), due=meta.get("due"), scheduled=meta.get("scheduled"),
               priority=meta.get("priority"), tags=list(meta.get("tags", [])), fields=meta,
               private=False, mtime_ns=0, size=0, sha="", problem=None)
