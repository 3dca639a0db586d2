"""The private assistant: retrieve passages (text, vectors, structured facts), build a cited
prompt, stream the model's reply through Ollama, map its citations back to files."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from solo.core import clock
from solo.core.assistant import facts
from solo.core.assistant import tools as assistant_tools
from solo.core.assistant.embeddings import EmbeddingIndexer, VectorStore
from solo.core.assistant.ollama_client import AssistantUnavailable, OllamaGateway, resolve_host
from solo.core.assistant.retrieval import ChunkIndex, Passage, fuse, query_terms
from solo.core.assistant.tools import TOOL_SPECS, ProposedWrite, Toolbox
from solo.core.engine.index import Row
from solo.core.errors import SoloError
from solo.core.vault import Item, Vault

NO_ANSWER = "Your vault does not hold the answer to that."
TOP_PASSAGES = 6
MAX_PER_FILE = 2
MAX_TOOL_ROUNDS = 4
HISTORY_TURNS = 6
MIN_VECTOR_SCORE = 0.5
"""A vector match alone (no word in common) must be at least this close to count as relevant."""

VECTOR_WEIGHT = 0.5
"""Weight of the vector ranking in the fusion (the BM25 ranking weighs 1)."""
_ACTION = re.compile(r"\b(add|create|make|remind|record|log|schedule|propose)\b", re.I)
_ANAPHORA = re.compile(r"\b(it|its|that|those|these|they|them|there|then|he|she|him|her)\b"
                       r"|\bthis\b(?! (week|month|year|quarter|morning|afternoon|evening))", re.I)
_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


@dataclass(frozen=True)
class Source:
    """A cited file: its number in the prompt, title and vault-relative path."""

    number: int
    title: str
    path: str


@dataclass
class Answer:
    """A finished reply."""

    question: str
    text: str
    sources: list[Source]
    """The files the reply cites, in order of first citation."""
    passages: list[Passage]
    """Every passage the model was shown, numbered from 1."""
    proposals: list[ProposedWrite] = field(default_factory=list)
    model_called: bool = True
    stopped: bool = False

    @property
    def grounded(self) -> bool:
        return bool(self.sources)


@dataclass(frozen=True)
class Token:
    """A fragment of the reply as it streams."""

    text: str


@dataclass(frozen=True)
class ToolUsed:
    """The model called a tool (shown as progress)."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Done:
    answer: Answer


Event = Token | ToolUsed | Done


def citations(text: str) -> list[int]:
    """Numbers cited as `[1]`, `[2, 3]`, in order of first appearance."""
    found: list[int] = []
    for group in _CITATION.findall(text):
        for number in group.split(","):
            value = int(number)
            if value not in found:
                found.append(value)
    return found


def map_citations(text: str, passages: Sequence[Passage]) -> list[Source]:
    """The files behind the reply's citations (numbers outside the sources are ignored)."""
    sources: list[Source] = []
    seen: set[str] = set()
    for number in citations(text):
        if 1 <= number <= len(passages):
            passage = passages[number - 1]
            if passage.path not in seen:
                seen.add(passage.path)
                sources.append(Source(number, passage.title, passage.path))
    return sources


def system_prompt(today: dt.date, tools: bool) -> str:
    lines = [
        "You are Solo, a private assistant answering questions about the user's own vault of "
        "notes, tasks, goals and learning items.",
        f"Today is {today.strftime('%A')} {today.isoformat()}.",
        "Answer only from the numbered sources you are given. After each fact, cite its source "
        "number in square brackets, like [1] or [2].",
        f"If the sources do not hold the answer, reply exactly: \"{NO_ANSWER}\" "
        "Never invent dates, amounts, names or items.",
        "Be brief.",
    ]
    if tools:
        lines.append("You may call the tools to search or read more of the vault; results "
                     "come numbered, cite them the same way. To add a task or an achievement, "
                     "call a propose_ tool: the user confirms before anything is written.")
    return "\n".join(lines)


def sources_block(passages: Sequence[Passage], budget: int) -> str:
    parts: list[str] = []
    used = 0
    for number, passage in enumerate(passages, 1):
        text = f"[{number}] {passage.render()}"
        if used + len(text) > budget and parts:
            text = f"[{number}] {passage.render(200)}"
        parts.append(text)
        used += len(text)
    return "\n\n".join(parts)


class Assistant:
    """One vault's assistant: retrieval kept current, and a conversation (a session)."""

    def __init__(self, vault: Vault, *, model: str | None = None,
                 today: dt.date | Callable[[], dt.date] | None = None,
                 gateway: OllamaGateway | None = None, embeddings: bool = True) -> None:
        self.vault = vault
        self.config = vault.config.assistant
        self.model = model or self.config.model
        self._today = today
        self.chunks = ChunkIndex(vault)
        self.chunks.sync()
        self._gateway = gateway
        self.vectors: VectorStore | None = None
        self.indexer: EmbeddingIndexer | None = None
        self._want_embeddings = embeddings
        self.history: list[dict[str, Any]] = []
        self._stop = threading.Event()

    @property
    def today(self) -> dt.date:
        """The date questions are relative to (a fixed date, a clock function, or the system's)."""
        if callable(self._today):
            return self._today()
        return self._today or clock.today()

    @property
    def gateway(self) -> OllamaGateway:
        """The Ollama connection; raises AssistantUnavailable for a refused address."""
        if self._gateway is None:
            self._gateway = OllamaGateway(resolve_host(self.config))
        return self._gateway

    def close(self) -> None:
        if self.indexer is not None:
            self.indexer.stop()
        if self._gateway is not None:
            self._gateway.close()
        self.chunks.close()

    # --- embeddings ------------------------------------------------------------------------
    def attach_vectors(self) -> bool:
        """Use stored vectors for retrieval when the embedding model is pulled (no indexing)."""
        if not self._want_embeddings:
            return False
        if self.vectors is None:
            try:
                info = self.gateway.model(self.config.embed_model)
            except AssistantUnavailable:
                return False
            if info.capabilities and not info.embedding:
                return False
            self.vectors = VectorStore(self.chunks, self.config.embed_model)
        return True

    def start_embeddings(self) -> bool:
        """Attach vectors and keep them current in a background thread (never blocks a caller)."""
        if self.indexer is None and self.attach_vectors():
            assert self.vectors is not None
            self.indexer = EmbeddingIndexer(self.vectors, self.gateway).start()
        return self.indexer is not None

    def embed_all(self) -> int:
        """Embed every chunk that lacks a vector now, in this thread; returns how many."""
        if not self.attach_vectors():
            return 0
        assert self.vectors is not None
        return EmbeddingIndexer(self.vectors, self.gateway).run_once()

    # --- retrieval -------------------------------------------------------------------------
    def retrieve(self, question: str, limit: int = TOP_PASSAGES,
                 query_vector: list[float] | None = None,
                 text_query: str | None = None) -> list[Passage]:
        """Passages for a question: structured facts first, then fused text and vector hits
        (for `text_query` when given: a follow-up question plus the one before it)."""
        self.chunks.refresh()
        folders = self.config.private_folders
        terms = set(query_terms(question))

        def goal_rank(row: Any) -> float:
            return len(terms & set(query_terms(row.title + " " + row.path)))

        def body(row: Any) -> str | None:  # people's last contact comes from linking notes
            try:
                return self.vault.read(row).body
            except SoloError:
                return None

        def fetch(kind: str | None, statuses: Sequence[str] | None) -> list[Row]:
            """`vault.rows`, with the checkbox tasks of notes among the tasks."""
            if kind == "task":
                return self.vault.tasks(statuses)
            lines = self.vault.line_tasks() if kind is None else []
            return self.vault.rows(kind, statuses) + lines

        found = facts.structured(fetch, question, self.today, folders,
                                 rank=goal_rank, read_body=body)
        per_file: dict[str, int] = {p.path: MAX_PER_FILE for p in found}
        passages = list(found)
        count = 0
        for passage in self.rank(text_query or question, query_vector):
            if per_file.get(passage.path, 0) >= MAX_PER_FILE:
                continue
            per_file[passage.path] = per_file.get(passage.path, 0) + 1
            passages.append(passage)
            count += 1
            if count >= limit:
                break
        return passages

    def rank(self, question: str, query_vector: list[float] | None = None,
             depth: int = 30) -> list[Passage]:
        """Text passages best first: BM25, fused with vector similarity when vectors exist."""
        text_hits = self.chunks.search(question, limit=depth)
        rankings = [[p.chunk_id for p in text_hits if p.chunk_id is not None]]
        by_id: dict[int | None, Passage] = {p.chunk_id: p for p in text_hits}
        if query_vector is not None and self.vectors is not None:
            vector_hits = self.vectors.search(query_vector, limit=depth)
            strong = {cid for cid, score in vector_hits if score >= MIN_VECTOR_SCORE}
            if text_hits or strong:
                rankings.append([cid for cid, _ in vector_hits])
                missing = [cid for cid, _ in vector_hits if cid not in by_id]
                by_id.update(self.chunks.passages(missing).items())
        return [by_id[cid] for cid, _ in fuse(rankings, (1.0, VECTOR_WEIGHT)) if cid in by_id]

    def _query_vector(self, question: str) -> list[float] | None:
        if self.vectors is None or self.vectors.counts()[0] == 0:
            return None
        try:
            # The question's content words: "when is my ..." says nothing about the topic.
            text = " ".join(query_terms(question)) or question
            vectors = self.gateway.embed(self.config.embed_model, [text])
        except AssistantUnavailable:
            return None
        return vectors[0] if vectors else None

    def build_messages(self, question: str, passages: Sequence[Passage],
                       tools: bool = False) -> list[dict[str, Any]]:
        budget = max(2000, self.config.context_size * 2)
        messages: list[dict[str, Any]] = [{"role": "system",
                                           "content": system_prompt(self.today, tools)}]
        messages += self.history[-2 * HISTORY_TURNS:]
        messages.append({"role": "user", "content": (
            "Sources:\n\n" + sources_block(passages, budget) + f"\n\nQuestion: {question}")})
        return messages

    # --- answering -------------------------------------------------------------------------
    def check(self) -> None:
        """Raise AssistantUnavailable (one clear line) unless Ollama is up and the model pulled."""
        self.gateway.model(self.model)

    def stop(self) -> None:
        """Stop the reply being generated (from any thread); `ask` then ends with what it has."""
        self._stop.set()
        if self._gateway is not None:
            self._gateway.cancel()

    def ask(self, question: str) -> Iterator[Event]:
        """Answer a question, streaming. Closing the iterator, or `stop()`, stops generation."""
        try:
            yield from self._ask(question.strip())
        finally:
            self._stop.clear()  # cleared after, not before: a stop that comes early still counts

    def _ask(self, question: str) -> Iterator[Event]:
        retrieval_query = question
        if self.history and _ANAPHORA.search(question):
            retrieval_query = f"{question} {self._last_question()}"
        info = self.gateway.model(self.model)
        passages = self.retrieve(question, query_vector=self._query_vector(retrieval_query),
                                 text_query=retrieval_query)
        if not passages and not (info.tools and _ACTION.search(question)):
            answer = Answer(question, NO_ANSWER, [], [], model_called=False)
            self._remember(question, NO_ANSWER, [])
            yield Token(NO_ANSWER)
            yield Done(answer)
            return
        sources = list(passages)

        def add_source(passage: Passage) -> int:
            for number, known in enumerate(sources, 1):
                if known.path == passage.path and known.heading == passage.heading \
                        and known.text == passage.text:
                    return number
            sources.append(passage)
            return len(sources)

        toolbox = Toolbox(self.vault, self.chunks, self.today, add_source)
        messages = self.build_messages(question, passages, tools=info.tools)
        options = {"num_ctx": self.config.context_size, "temperature": 0.2}
        reply: list[str] = []
        try:
            for _round in range(MAX_TOOL_ROUNDS + 1):
                calls: list[dict[str, Any]] = []
                round_text: list[str] = []
                offered = TOOL_SPECS if info.tools and _round < MAX_TOOL_ROUNDS else None
                stream = self.gateway.chat(self.model, messages, tools=offered, options=options)
                try:
                    for chunk in stream:
                        if self._stop.is_set():
                            break
                        if chunk.text:
                            round_text.append(chunk.text)
                            reply.append(chunk.text)
                            yield Token(chunk.text)
                        calls += chunk.tool_calls
                finally:
                    stream.close()
                if not calls or self._stop.is_set():
                    break
                messages.append({"role": "assistant", "content": "".join(round_text),
                                 "tool_calls": calls})
                for call in calls:
                    name = call["function"]["name"]
                    arguments = call["function"].get("arguments") or {}
                    yield ToolUsed(name, dict(arguments))
                    messages.append({"role": "tool", "tool_name": name,
                                     "content": toolbox.run(name, arguments)})
        finally:
            # Also when the caller stops the stream: the partial reply stays in the conversation.
            text = "".join(reply)
            self._remember(question, text, sources)
        yield Done(Answer(question, text, map_citations(text, sources), sources,
                          proposals=list(toolbox.proposals), stopped=self._stop.is_set()))

    def answer(self, question: str) -> Answer:
        """Ask and wait for the whole reply."""
        for event in self.ask(question):
            if isinstance(event, Done):
                return event.answer
        raise AssistantUnavailable("the reply ended early")

    def apply(self, proposal: ProposedWrite) -> Item:
        """Write a proposal the user confirmed."""
        return assistant_tools.apply(self.vault, proposal)

    def reset(self) -> None:
        """Start a new conversation."""
        self.history.clear()

    # --- conversation ----------------------------------------------------------------------
    def _last_question(self) -> str:
        for message in reversed(self.history):
            if message["role"] == "user":
                return str(message["content"])
        return ""

    def _remember(self, question: str, text: str, sources: Sequence[Passage]) -> None:
        def named(match: re.Match[str]) -> str:
            names = []
            for number in match.group(1).split(","):
                index = int(number) - 1
                if 0 <= index < len(sources):
                    names.append(sources[index].title)
            return f"({'; '.join(names)})" if names else ""

        # Earlier replies keep what they said, with citations as titles: numbers change per turn.
        self.history.append({"role": "user", "content": question})
        self.history.append({"role": "assistant", "content": _CITATION.sub(named, text)})
