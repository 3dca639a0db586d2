"""The assistant against the Ollama stand-in with the real `ollama` client: what reached the model,
privacy, citations, structured questions, no-answer, conversation, tools, stopping, addresses."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.ollama_server import OllamaServer, Reply, ToolCall, cited_sources

from solo.core.assistant.answer import NO_ANSWER, Assistant, Done, Token, citations, map_citations
from solo.core.assistant.ollama_client import (
    AssistantUnavailable,
    HostRefused,
    is_local_host,
    normalize_host,
    resolve_host,
)
from solo.core.assistant.retrieval import Passage
from solo.core.config import AssistantConfig
from solo.core.vault import Vault

from .conftest import TODAY, assert_nothing_private


def user_prompt(server: OllamaServer, index: int = -1) -> str:
    return server.chat_requests()[index]["messages"][-1]["content"]


def source_paths(prompt: str) -> list[str]:
    """The `(path)` of every numbered source line in a prompt."""
    paths = []
    for line in prompt.splitlines():
        if line.startswith("[") and "] " in line and line.endswith(")") and "(" in line:
            paths.append(line.rsplit("(", 1)[1][:-1])
    return paths


def test_exam_question_sends_the_exam_file_and_cites_it(assistant: Assistant,
                                                        ollama_server: OllamaServer) -> None:
    answer = assistant.answer("When is my exam?")
    prompt = user_prompt(ollama_server)
    assert "learning/aws-sa-pro-exam.md" in source_paths(prompt)
    assert "2026-12-15" in prompt and "Question: When is my exam?" in prompt
    system = ollama_server.chat_requests()[-1]["messages"][0]["content"]
    assert "Today is Thursday 2026-11-26" in system and "[1]" in system
    assert "learning/aws-sa-pro-exam.md" in [s.path for s in answer.sources]
    assert answer.grounded and answer.model_called


def test_citations_map_to_the_right_files(example_vault: Vault,
                                          assistant: Assistant) -> None:
    def reply(request: dict[str, Any]) -> str:
        prompt = request["messages"][-1]["content"]
        number = next(i for i, p in enumerate(source_paths(prompt), 1)
                      if p == "learning/aws-sa-pro-exam.md")
        return f"Your exam is on 2026-12-15 at 09:30 [{number}]. Nothing else [99]."

    with OllamaServer(reply=reply) as server:
        example_vault.config.assistant.host = server.url
        fresh = Assistant(example_vault, today=TODAY)
        answer = fresh.answer("When is my exam?")
        fresh.close()
    assert [s.path for s in answer.sources] == ["learning/aws-sa-pro-exam.md"]
    assert answer.passages[answer.sources[0].number - 1].path == "learning/aws-sa-pro-exam.md"


def test_citation_parsing() -> None:
    assert citations("a [2] b [1, 3] c [2][4]") == [2, 1, 3, 4]
    passages = [Passage(path=f"p{i}.md", title=f"T{i}", heading="", text="") for i in (1, 2)]
    assert [s.path for s in map_citations("x [2] [1] [2] [7]", passages)] == ["p2.md", "p1.md"]


@pytest.mark.parametrize("question", [
    "How much is the Maison Verde contract worth?",
    "What salary should I ask for in 2027?",
    "What is Project Hibiscus?",
    "What are the store margins?",
    "What is my day rate billed to the client?",
    "What is overdue?",
])
def test_private_items_never_reach_the_model(example_vault: Vault, question: str) -> None:
    with OllamaServer() as server:
        example_vault.config.assistant.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        helper.embed_all()
        helper.attach_vectors()
        helper.answer(question)
        helper.close()
        assert server.embed_inputs()  # embeddings ran, over the non-private chunks
        assert_nothing_private(server, question)
        assert "Belgium" not in server.seen_text()
        for request in server.chat_requests():
            for message in request["messages"]:
                for path in ("salary-negotiation", "maison-verde-confidential"):
                    assert path not in message["content"]


def test_private_folders_never_reach_the_model(example_vault: Vault) -> None:
    example_vault.config.assistant.private_folders = ["learning"]
    with OllamaServer() as server:
        example_vault.config.assistant.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        helper.embed_all()
        helper.attach_vectors()
        helper.answer("When is my exam? Where is the Pearson VUE test centre?")
        helper.answer("What is due next month?")
        helper.close()
        seen = server.seen_text()
    assert "learning/" not in seen
    assert "492-771-038" not in seen and "Part-Dieu (2nd floor" not in seen


def test_overdue_question_includes_the_overdue_tasks(assistant: Assistant,
                                                     ollama_server: OllamaServer) -> None:
    answer = assistant.answer("What is overdue?")
    paths = source_paths(user_prompt(ollama_server))
    overdue = ["tasks/submit-expense-report-october.md",
               "tasks/review-pr-iceberg-partitioning.md",
               "tasks/write-terraform-module-readmes.md"]
    assert paths[:3] == overdue
    assert "tasks/practice-exam-2.md" not in paths[:3]
    assert "overdue since 2026-11-20" in user_prompt(ollama_server)
    assert {s.path for s in answer.sources} >= set(overdue)


def test_waiting_and_goal_questions_use_statuses(assistant: Assistant,
                                                 ollama_server: OllamaServer) -> None:
    assistant.answer("Who am I waiting on?")
    waiting = source_paths(user_prompt(ollama_server))
    assert {"tasks/exam-fee-preapproval.md", "tasks/maison-verde-s3-access.md",
            "tasks/guest-post-journal-du-data.md"} <= set(waiting[:3])
    assistant.answer("Is the terraform portfolio goal on track?")
    prompt = user_prompt(ollama_server)
    assert source_paths(prompt)[0] == "goals/terraform-modules-portfolio.md"
    assert "key result Modules published on the Terraform Registry: 1 of 4" in prompt


def test_nothing_relevant_means_no_model_call(assistant: Assistant,
                                              ollama_server: OllamaServer) -> None:
    events = list(assistant.ask("What is the capital of Peru?"))
    answer = events[-1].answer if isinstance(events[-1], Done) else None
    assert answer is not None and answer.text == NO_ANSWER and not answer.model_called
    assert ollama_server.chat_requests() == []
    assert [e.text for e in events if isinstance(e, Token)] == [NO_ANSWER]


def test_the_model_is_told_to_say_when_the_sources_lack_the_answer(
        assistant: Assistant, ollama_server: OllamaServer) -> None:
    ollama_server.reply = lambda _r: "Your vault does not hold the answer to that."
    answer = assistant.answer("How many pipelines are left to migrate?")
    system = ollama_server.chat_requests()[-1]["messages"][0]["content"]
    assert NO_ANSWER in system
    assert answer.sources == [] and not answer.grounded


def test_conversation_keeps_context(assistant: Assistant, ollama_server: OllamaServer) -> None:
    assistant.answer("When is my exam?")
    assistant.answer("And how much did it cost?")
    second = ollama_server.chat_requests()[-1]["messages"]
    assert [m["role"] for m in second] == ["system", "user", "assistant", "user"]
    assert second[1]["content"] == "When is my exam?"
    assert "[" not in second[2]["content"]  # old citations became titles
    assert "learning/aws-sa-pro-exam.md" in source_paths(second[-1]["content"])
    assert cited_sources(ollama_server.chat_requests()[-1])
    assistant.reset()
    assistant.answer("What is overdue?")
    assert len(ollama_server.chat_requests()[-1]["messages"]) == 2


def tool_script(request: dict[str, Any]) -> Reply | ToolCall | str:
    last = request["messages"][-1]
    if last["role"] == "tool":
        if "Proposed" in last["content"]:
            return "I proposed the task; confirm it to add it."
        return f"The READMEs are overdue {cited_sources(request) and '[1]'}"
    if "remind" in last["content"].lower():
        return ToolCall("propose_task", {"title": "Renew passport", "due": "2026-12-20",
                                         "priority": "high"})
    return [ToolCall("read_item", {"ref": "salary-negotiation-2027"}),
            ToolCall("list_tasks", {"status": "waiting"}),
            ToolCall("search_vault", {"query": "terraform readmes"})]


def test_tools_run_respect_privacy_and_add_sources(example_vault: Vault) -> None:
    with OllamaServer(reply=tool_script) as server:
        example_vault.config.assistant.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        answer = helper.answer("What about the terraform readmes?")
        helper.close()
        requests = server.chat_requests()
        assert [t["function"]["name"] for t in requests[0]["tools"]] == [
            "search_vault", "list_tasks", "read_item", "propose_task", "propose_achievement"]
        tool_messages = [m for m in requests[1]["messages"] if m["role"] == "tool"]
        assert "private" in tool_messages[0]["content"]
        assert "tasks/maison-verde-s3-access.md" in tool_messages[1]["content"]
        assert "write-terraform-module-readmes" in tool_messages[2]["content"]
        assert_nothing_private(server)
    found = {p.path for p in answer.passages}
    assert "tasks/maison-verde-s3-access.md" in found


def test_a_proposed_write_is_not_performed_without_confirmation(example_vault: Vault) -> None:
    with OllamaServer(reply=tool_script) as server:
        example_vault.config.assistant.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        before = {r.path for r in example_vault.rows()}
        answer = helper.answer("Remind me to renew my passport before Christmas")
        assert {r.path for r in example_vault.rows()} == before
        assert not (example_vault.root / "tasks" / "renew-passport.md").exists()
        (proposal,) = answer.proposals
        assert proposal.kind == "task" and proposal.title == "Renew passport"
        assert str(proposal.fields["due"]) == "2026-12-20"
        item = helper.apply(proposal)  # what a confirmation does
        helper.close()
    assert item.path == "tasks/renew-passport.md"
    assert example_vault.resolve("renew-passport").due == "2026-12-20"


def test_models_without_tools_get_none(example_vault: Vault) -> None:
    with OllamaServer(tools=False) as server:
        example_vault.config.assistant.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        helper.answer("When is my exam?")
        helper.close()
        assert not server.chat_requests()[0].get("tools")


def test_stop_ends_a_streaming_reply(example_vault: Vault) -> None:
    long_reply = " ".join(f"word{i}" for i in range(400)) + " [1]"
    with OllamaServer(reply=lambda _r: long_reply, token_delay=0.02) as server:
        example_vault.config.assistant.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        tokens: list[str] = []
        done: list[Done] = []

        def run() -> None:
            for event in helper.ask("When is my exam?"):
                if isinstance(event, Token):
                    tokens.append(event.text)
                elif isinstance(event, Done):
                    done.append(event)

        thread = threading.Thread(target=run)
        thread.start()
        while len(tokens) < 3:
            time.sleep(0.01)
        helper.stop()
        thread.join(30)  # a hang guard; the assertions below prove the stop was early
        assert not thread.is_alive()
        assert done and done[0].answer.stopped and len(tokens) < 100
        deadline = time.monotonic() + 3
        while not server.requests_to("/api/chat")[-1].disconnected and \
                time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.requests_to("/api/chat")[-1].disconnected
        helper.close()


def test_ollama_down_and_model_missing_are_clear(example_vault: Vault) -> None:
    server = OllamaServer().start()
    example_vault.config.assistant.host = server.url
    server.stop()
    helper = Assistant(example_vault, today=TODAY)
    with pytest.raises(AssistantUnavailable, match="ollama serve"):
        helper.answer("When is my exam?")
    helper.close()
    with OllamaServer(chat_models=["qwen2.5"]) as other:
        example_vault.config.assistant.host = other.url
        helper = Assistant(example_vault, today=TODAY)
        with pytest.raises(AssistantUnavailable, match="ollama pull llama3.2"):
            helper.answer("When is my exam?")
        helper.close()


def test_addresses() -> None:
    assert normalize_host("0.0.0.0") == "http://127.0.0.1:11434"
    assert normalize_host("localhost:9999") == "http://localhost:9999"
    assert normalize_host("https://example.com") == "https://example.com:443"
    assert is_local_host("http://[::1]:11434") and is_local_host("http://127.0.0.2:1")
    assert not is_local_host("http://192.168.1.20:11434")
    assert not is_local_host("http://localhost.example.com:11434")
    config = AssistantConfig()
    assert resolve_host(config, {}) == "http://127.0.0.1:11434"
    assert resolve_host(config, {"OLLAMA_HOST": "127.0.0.1:5000"}) == "http://127.0.0.1:5000"
    with pytest.raises(HostRefused, match="allow_remote_host"):
        resolve_host(config, {"OLLAMA_HOST": "gpu-box.lan:11434"})
    with pytest.raises(HostRefused):
        resolve_host(AssistantConfig(host="http://10.0.0.5:11434"), {})
    allowed = AssistantConfig(host="http://10.0.0.5:11434", allow_remote_host=True)
    assert resolve_host(allowed, {}) == "http://10.0.0.5:11434"


def test_a_remote_host_is_refused_before_any_connection(example_vault: Vault) -> None:
    example_vault.config.assistant.host = "http://203.0.113.7:11434"
    helper = Assistant(example_vault, today=TODAY)
    with pytest.raises(HostRefused):
        helper.answer("When is my exam?")
    helper.close()


def test_background_embeddings_and_hybrid_retrieval(example_vault: Vault) -> None:
    with OllamaServer() as server:
        example_vault.config.assistant.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        assert helper.start_embeddings()
        assert helper.indexer is not None and helper.indexer.wait_idle(20)
        assert helper.vectors is not None
        done, total = helper.vectors.counts()
        assert done == total == helper.chunks.count()
        example_vault.create("note", "Sourdough starter", body="Feed the levain twice a day.")
        helper.chunks.refresh()
        deadline = time.monotonic() + 10
        while helper.vectors.counts()[0] < helper.chunks.count() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert helper.vectors.counts()[0] == helper.chunks.count()
        vector = helper._query_vector("levain sourdough")
        assert vector is not None
        assert helper.rank("levain sourdough", vector)[0].path == "notes/sourdough-starter.md"
        helper.close()
        assert_nothing_private(server)


def test_config_sets_models_and_context_size(example_vault: Vault) -> None:
    config = example_vault.config.assistant
    config.model, config.embed_model, config.context_size = "qwen2.5:7b", "mxbai-embed-large", 4096
    with OllamaServer(chat_models=["qwen2.5:7b"], embed_models=["mxbai-embed-large"]) as server:
        config.host = server.url
        helper = Assistant(example_vault, today=TODAY)
        helper.embed_all()
        helper.attach_vectors()
        helper.answer("When is my exam?")
        helper.close()
        (request,) = server.chat_requests()
        assert request["model"] == "qwen2.5:7b"
        assert request["options"]["num_ctx"] == 4096
        embeds = server.requests_to("/api/embed")
        assert embeds and {r.body["model"] for r in embeds} == {"mxbai-embed-large"}
        override = Assistant(example_vault, today=TODAY, model="llama3.2")
        with pytest.raises(AssistantUnavailable, match="ollama pull llama3.2"):
            override.answer("When is my exam?")
        override.close()


@given(st.text(max_size=60))
def test_any_address_is_either_local_or_refused(raw: str) -> None:
    try:
        url = resolve_host(AssistantConfig(), {"OLLAMA_HOST": raw})
    except AssistantUnavailable:
        return
    assert is_local_host(url)
    assert url.startswith(("http://", "https://"))


def test_only_http_addresses() -> None:
    with pytest.raises(AssistantUnavailable, match="http or https"):
        normalize_host("ftp://127.0.0.1:11434")
    with pytest.raises(AssistantUnavailable, match="not a valid"):
        normalize_host("[")
