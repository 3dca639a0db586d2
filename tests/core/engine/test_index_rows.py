"""Rows read back from the index in bulk are the rows written, field for field."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from solo.core.engine.index import Index, Row


def test_rows_read_in_bulk_equal_the_rows_written_and_a_single_lookup(tmp_path: Path) -> None:
    written = [
        Row(path="tasks/a.md", doc_id="a" * 32, kind="task", title="A", status="next",
            due="2026-12-01", scheduled=None, priority="high", tags=["x", "y/z"],
            fields={"title": "A", "status": "next", "nested": {"k": [1, 2.5, None, True]}},
            private=True, mtime_ns=123, size=45, sha="s" * 64, problem="odd"),
        Row(path="notes/b.md", doc_id=None, kind="note", title="", status=None, due=None,
            scheduled="2026-01-02", priority=None, tags=[], fields={}, private=False,
            mtime_ns=0, size=0, sha="", problem=None),
    ]
    index = Index(tmp_path / "index.sqlite")
    try:
        for row in written:
            index.upsert(row, "body words")
        read = index.rows()
        assert read == sorted(written, key=lambda r: r.path)
        for row in read:
            assert list(vars(row)) == [f.name for f in dataclasses.fields(Row)]
            assert index.by_path(row.path) == row
            assert type(row.private) is bool
        (hit,) = index.search("words", any_term=True)[:1]
        assert hit.row == index.by_path(hit.row.path)
    finally:
        index.close()


def test_open_tasks_leaves_out_only_tasks_a_default_list_hides(tmp_path: Path) -> None:
    from support.rows import task_row

    from solo.core.planning.filters import is_open

    rows = [task_row("Done", status="done"), task_row("Cancelled", status="cancelled"),
            task_row("Capital", status="Done"), task_row("Next", status="next"),
            task_row("Inbox"), task_row("Waiting", status="waiting"),
            task_row("Odd status", status=3), task_row("Done note", kind="note", status="done"),
            task_row("Done goal", kind="goal", status="done")]
    index = Index(tmp_path / "index.sqlite")
    try:
        for row in rows:
            index.upsert(row, "")
        every = index.rows()
        kept = index.rows(open_tasks=True)
    finally:
        index.close()
    left_out = [r for r in every if r not in kept]
    assert {r.title for r in left_out} == {"Done", "Cancelled", "Capital", "Odd status"}
    assert all(r.kind == "task" and not is_open(r) for r in left_out)
    assert [r for r in every if r.kind != "task" or is_open(r)] == \
        [r for r in kept if r.kind != "task" or is_open(r)]


def test_rows_read_in_several_batches_come_back_whole_and_in_path_order(tmp_path: Path) -> None:
    count = 1207  # more than two of the batches `rows` reads at once
    index = Index(tmp_path / "index.sqlite")
    try:
        with index.transaction() as tx:
            for n in reversed(range(count)):
                tx.upsert(Row(path=f"notes/{n:05}.md", doc_id=f"{n:032}", kind="note",
                              title=f"N{n}", status=None, due=None, scheduled=None,
                              priority=None, tags=[f"t{n}"], fields={"n": n}, private=False,
                              mtime_ns=n, size=n, sha="s", problem=None), None)
        read = index.rows()
    finally:
        index.close()
    assert [(r.title, r.tags, r.fields) for r in read] == \
        [(f"N{n}", [f"t{n}"], {"n": n}) for n in range(count)]
