"""Chunking, the chunk index (privacy, incremental updates, rebuild by sha), fusion, and facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from solo.core.assistant import facts
from solo.core.assistant.chunks import MAX_CHUNK_CHARS, is_private, split_body
from solo.core.assistant.retrieval import ChunkIndex, distinct_files, fuse, query_terms
from solo.core.vault import Vault

from .conftest import PRIVATE_STRINGS, TODAY

PRIVATE_PATHS = {"notes/salary-negotiation-2027.md", "notes/maison-verde-confidential.md",
                 "tasks/prepare-salary-negotiation.md"}


def all_chunk_text(chunks: ChunkIndex) -> str:
    db, lock = chunks.db()
    with lock:
        rows = db.execute("SELECT d.title, c.heading, c.text FROM chunks c "
                          "JOIN docs d ON d.path = c.path").fetchall()
    return "\n".join(" ".join(r) for r in rows)


def indexed_paths(chunks: ChunkIndex) -> set[str]:
    db, lock = chunks.db()
    with lock:
        return {r[0] for r in db.execute("SELECT DISTINCT path FROM chunks")}


def test_split_by_headings_keeps_heading_paths() -> None:
    body = ("# Plan\n\nIntro line that is long enough to stand alone. " * 12 + "\n\n"
            "## Hours\n\n" + "Eighty-six hours done. " * 20 + "\n\n"
            "```\n# not a heading\n```\n\n### Detail\n\n" + "Some detail. " * 40 + "\n")
    chunks = split_body(body, "Plan")
    headings = [c.heading for c in chunks]
    assert headings[0] == "Plan"
    assert "Hours" in headings[1]
    assert any(h.endswith("Hours > Detail") for h in headings)
    assert all("not a heading" not in h for h in headings)
    assert "# not a heading" in "\n".join(c.text for c in chunks)


def test_short_sections_merge_and_long_ones_split() -> None:
    short = "# T\n\n## A\n\nalpha\n\n## B\n\nbeta\n"
    merged = split_body(short, "T")
    assert len(merged) == 1 and "alpha" in merged[0].text and "beta" in merged[0].text
    long_body = "\n\n".join("word " * 100 for _ in range(10))
    parts = split_body(long_body)
    assert len(parts) > 1 and all(len(p.text) <= MAX_CHUNK_CHARS for p in parts)


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=3000))
def test_chunking_loses_no_words(body: str) -> None:
    chunks = split_body(body)
    joined = " ".join(f"{c.heading} {c.text}" for c in chunks)
    for word in body.split():
        if not word.startswith("#"):
            assert word in joined
    assert all(len(c.text) <= MAX_CHUNK_CHARS for c in chunks)


def test_query_terms_drop_question_words() -> None:
    assert query_terms("When is my exam?") == ["exam"]
    assert query_terms("What is the capital of Peru?") == ["capital", "peru"]
    assert query_terms("Where do I take the SAP-C02 exam?") == ["take", "sap", "c02", "exam"]
    assert query_terms("what?") == ["what"]


def test_fuse_rewards_agreement() -> None:
    fused = [cid for cid, _ in fuse([[1, 2, 3], [3, 1, 4]])]
    assert fused[:2] == [1, 3]
    assert set(fused) == {1, 2, 3, 4}
    assert [cid for cid, _ in fuse([[1, 2], [2, 1]], (1.0, 0.1))][0] == 1


def test_private_items_and_folders_never_enter_the_index(example_vault: Vault) -> None:
    chunks = ChunkIndex(example_vault)
    chunks.sync()
    paths = indexed_paths(chunks)
    assert paths and not paths & PRIVATE_PATHS
    text = all_chunk_text(chunks)
    for secret in PRIVATE_STRINGS:
        assert secret not in text
    assert "Iceberg" in text

    example_vault.config.assistant.private_folders = ["reviews/", "./stack"]
    report = chunks.sync()
    assert "reviews/2026-w47.md" in report.indexed and "stack/canva-pro.md" in report.indexed
    paths = indexed_paths(chunks)
    assert not any(p.startswith(("reviews/", "stack/")) for p in paths)
    found = distinct_files(chunks.search("weekly review hours worked energy subscription"))
    assert found and not any(p.startswith(("reviews/", "stack/")) for p in found)
    chunks.close()


def test_on_change_updates_incrementally(example_vault: Vault) -> None:
    chunks = ChunkIndex(example_vault)
    chunks.sync()
    assert chunks.sync().indexed == []  # nothing changed: nothing redone

    item = example_vault.create("note", "Kayak trip", body="Paddle the Lac d'Annecy in June.")
    assert chunks.refresh().indexed == [item.path]
    assert distinct_files(chunks.search("paddle kayak")) == [item.path]

    example_vault.update(item.path, set_fields={"private": True})
    chunks.refresh()
    assert chunks.search("paddle kayak") == []

    example_vault.update(item.path, unset=["private"])
    chunks.refresh()
    example_vault.delete(item.path)
    assert chunks.refresh().removed == [item.path]
    assert chunks.search("paddle kayak") == []
    chunks.close()


def test_reopen_compares_shas(example_root: Path) -> None:
    vault = Vault.init(example_root)
    vault.scan()
    first = ChunkIndex(vault)
    assert len(first.sync().indexed) > 80
    first.close()
    vault.close()

    target = example_root / "notes" / "working-agreement.md"
    target.write_text(target.read_text() + "\nNew rule: no meetings on Fridays.\n")
    vault = Vault(example_root)
    vault.scan()
    second = ChunkIndex(vault)
    assert second.sync().indexed == ["notes/working-agreement.md"]
    assert distinct_files(second.search("meetings Fridays rule"))[0] == \
        "notes/working-agreement.md"
    second.close()
    vault.close()


def test_broken_front_matter_that_says_private_stays_private(vault: Vault) -> None:
    path = vault.root / "notes" / "diary.md"
    path.parent.mkdir()
    path.write_text("+++\nprivate = true\ntitle = \"Diary\"\nbroken = [\n+++\nMy secret walrus.\n")
    vault.scan()
    row = vault.resolve("notes/diary.md")
    assert row.problem
    assert is_private(row, [], path.read_text())
    chunks = ChunkIndex(vault)
    chunks.sync()
    assert chunks.search("walrus") == []
    chunks.close()


def test_structured_overdue_due_waiting_and_goals(example_vault: Vault) -> None:
    rows = example_vault.rows()

    def paths(question: str) -> list[str]:
        return [p.path for p in facts.structured(rows, question, TODAY)]

    assert paths("What is overdue?") == ["tasks/submit-expense-report-october.md",
                                         "tasks/review-pr-iceberg-partitioning.md",
                                         "tasks/write-terraform-module-readmes.md"]
    today = paths("What is due today?")
    assert {"tasks/submit-cfp-cloud-nord.md", "tasks/practice-exam-3.md",
            "tasks/log-working-hours.md"} <= set(today)
    assert "tasks/practice-exam-2.md" not in today
    assert set(paths("What am I waiting for?")) == {
        "tasks/exam-fee-preapproval.md", "tasks/maison-verde-s3-access.md",
        "tasks/guest-post-journal-du-data.md"}
    goals = facts.structured(rows, "How are my goals progressing?", TODAY)
    by_path = {p.path: p for p in goals}
    assert "goals/terraform-modules-portfolio.md" in by_path
    assert "target 2026-12-10 in 14 days" in by_path["goals/terraform-modules-portfolio.md"].heading
    assert facts.structured(rows, "How do I compact Iceberg tables?", TODAY) == []
    assert "tasks/prepare-salary-negotiation.md" not in paths("what is due this month?")


def test_due_windows() -> None:
    thursday = dt.date(2026, 11, 26)
    assert facts.detect("what is due this week?", thursday).due == (
        thursday, dt.date(2026, 11, 29))
    assert facts.detect("anything due next week?", thursday).due == (
        dt.date(2026, 11, 30), dt.date(2026, 12, 6))
    assert facts.detect("what is due?", thursday).overdue
    assert not facts.detect("when is my exam?", thursday).any


def test_vectors_of_text_that_became_private_are_deleted(example_vault: Vault) -> None:
    from support.ollama_server import OllamaServer

    from solo.core.assistant.answer import Assistant

    item = example_vault.create("note", "Garden plan", body="Plant tomatoes near the wall.")
    with OllamaServer() as server:
        example_vault.config.assistant.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        assert helper.embed_all() > 0
        db, lock = helper.chunks.db()

        def vectors() -> int:
            with lock:
                return int(db.execute("SELECT count(*) FROM vectors").fetchone()[0])

        before = vectors()
        example_vault.update(item.path, set_fields={"private": True})
        helper.chunks.refresh()
        assert vectors() == before - 1
        helper.close()
