"""The Ollama stand-in, driven by the real `ollama` client: wire format, scripting, recording, outages."""

from __future__ import annotations

import asyncio
import math
import socket
import time
from typing import Any

import httpx
import ollama
import pytest
from support.ollama_server import (
    NO_ANSWER,
    OllamaServer,
    Reply,
    ScriptedError,
    ToolCall,
    cited_sources,
    embed_text,
)

SOURCES_PROMPT = (
    "Answer from these sources only.\n"
    "[1] tasks/renew-aws.md: Renew AWS certification by December.\n"
    "[2] goals/cloud-architect.md: Become a cloud architect.\n"
)


def client_for(server: OllamaServer) -> ollama.Client:
    return ollama.Client(host=server.url)


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_list_show_and_version(ollama_server: OllamaServer) -> None:
    client = client_for(ollama_server)

    listed = client.list()
    assert [m.model for m in listed.models] == ["llama3.2:latest", "nomic-embed-text:latest"]
    assert listed.models[0].details is not None and listed.models[0].details.family == "llama"

    shown = client.show("llama3.2")  # the ":latest" tag is implied, as in Ollama
    assert shown.capabilities == ["completion", "tools"]
    assert shown.modelinfo is not None and shown.modelinfo["general.architecture"] == "llama"
    assert client.show("nomic-embed-text:latest").capabilities == ["embedding"]

    assert httpx.get(f"{ollama_server.url}/api/version").json() == {"version": "0.12.6"}
    assert httpx.get(ollama_server.url).text == "Ollama is running"
    assert [(r.method, r.path) for r in ollama_server.requests] == [
        ("GET", "/api/tags"),
        ("POST", "/api/show"),
        ("POST", "/api/show"),
        ("GET", "/api/version"),
        ("GET", "/"),
    ]


def test_show_of_a_missing_model_is_404(ollama_server: OllamaServer) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        client_for(ollama_server).show("mistral")
    assert caught.value.status_code == 404
    assert caught.value.error == "model 'mistral' not found"


def test_configured_models_replace_the_defaults() -> None:
    with OllamaServer(chat_models=["qwen2.5:7b"], embed_models=[]) as server:
        client = client_for(server)
        assert [m.model for m in client.list().models] == ["qwen2.5:7b"]
        with pytest.raises(ollama.ResponseError) as caught:
            client.show("llama3.2")
        assert caught.value.status_code == 404


def test_streaming_chat_cites_the_sources_it_saw(ollama_server: OllamaServer) -> None:
    chunks = list(
        client_for(ollama_server).chat(
            model="llama3.2",
            messages=[
                {"role": "system", "content": SOURCES_PROMPT},
                {"role": "user", "content": "When is my AWS renewal due?"},
            ],
            stream=True,
        )
    )

    *pieces, final = chunks
    assert len(pieces) > 3
    assert all(not c.done and c.message.role == "assistant" for c in pieces)
    text = "".join(c.message.content or "" for c in pieces)
    assert text == "According to your notes [1] [2], here is the answer."
    assert final.done and final.done_reason == "stop"
    assert final.message.content == ""
    assert final.eval_count == len(pieces)
    assert final.prompt_eval_count and final.total_duration and final.eval_duration


def test_chat_without_sources_says_the_vault_has_no_answer(ollama_server: OllamaServer) -> None:
    response = client_for(ollama_server).chat(
        model="llama3.2", messages=[{"role": "user", "content": "What is the capital of Peru?"}]
    )
    assert response.done and response.done_reason == "stop"
    assert response.message.content == NO_ANSWER


def test_assistant_citations_are_not_taken_for_sources() -> None:
    request = {
        "messages": [
            {"role": "assistant", "content": "See [7]."},
            {"role": "user", "content": "And [3]? and [1]"},
        ]
    }
    assert cited_sources(request) == [1, 3]


def test_requests_are_recorded_exactly(ollama_server: OllamaServer) -> None:
    messages = [
        {"role": "system", "content": SOURCES_PROMPT},
        {"role": "user", "content": "Summarise my goals"},
    ]
    client_for(ollama_server).chat(
        model="llama3.2", messages=messages, options={"temperature": 0, "num_ctx": 4096}
    )
    client_for(ollama_server).embed(model="nomic-embed-text", input=["alpha", "beta"])

    (body,) = ollama_server.chat_requests()
    assert body["messages"] == messages
    assert body["options"] == {"temperature": 0, "num_ctx": 4096}
    assert body["stream"] is False
    assert ollama_server.embed_inputs() == ["alpha", "beta"]
    seen = ollama_server.seen_text()
    assert "Renew AWS certification" in seen and "Summarise my goals" in seen and "beta" in seen
    assert "private diary" not in seen

    ollama_server.clear()
    assert ollama_server.requests == []


def test_scripted_reply_receives_the_request() -> None:
    seen: list[dict[str, Any]] = []

    def reply(request: dict[str, Any]) -> str:
        seen.append(request)
        return f"echo: {request['messages'][-1]['content']}"

    with OllamaServer(reply=reply) as server:
        response = client_for(server).chat(
            model="llama3.2", messages=[{"role": "user", "content": "ping"}]
        )
    assert response.message.content == "echo: ping"
    assert seen[0]["model"] == "llama3.2"


def search_vault(query: str) -> str:
    """Search the vault.

    Args:
      query: What to look for.

    Returns:
      str: The matching notes.
    """
    return query


def tool_script(request: dict[str, Any]) -> Reply | ToolCall | str:
    if request["messages"][-1]["role"] == "tool":
        return "Found it [1]."
    return ToolCall("search_vault", {"query": "aws renewal"})


@pytest.mark.parametrize("stream", [False, True])
def test_chat_with_tools_returns_tool_calls(stream: bool) -> None:
    with OllamaServer(reply=tool_script) as server:
        client = client_for(server)
        messages: list[Any] = [{"role": "user", "content": "When is the AWS renewal?"}]
        if stream:
            chunks = list(
                client.chat("llama3.2", messages=messages, tools=[search_vault], stream=True)
            )
            assert chunks[-1].done and chunks[-1].done_reason == "stop"
            calls = [call for c in chunks for call in c.message.tool_calls or []]
        else:
            response = client.chat("llama3.2", messages=messages, tools=[search_vault])
            assert response.message.content == ""
            calls = list(response.message.tool_calls or [])

        assert len(calls) == 1
        assert calls[0].function.name == "search_vault"
        assert calls[0].function.arguments == {"query": "aws renewal"}

        messages += [
            {"role": "assistant", "content": "", "tool_calls": calls},
            {"role": "tool", "content": "[1] tasks/renew-aws.md", "tool_name": "search_vault"},
        ]
        answer = client.chat("llama3.2", messages=messages, tools=[search_vault])
        assert answer.message.content == "Found it [1]."
        assert not answer.message.tool_calls

        offered = server.chat_requests()[0]["tools"]
        assert offered[0]["function"]["name"] == "search_vault"
        assert server.chat_requests()[1]["messages"][-1]["role"] == "tool"


def test_a_tool_call_without_offered_tools_comes_back_as_text() -> None:
    with OllamaServer(reply=lambda _r: ToolCall("search_vault", {"query": "x"})) as server:
        response = client_for(server).chat("llama3.2", messages=[{"role": "user", "content": "hi"}])
    assert not response.message.tool_calls
    assert response.message.content == '{"name": "search_vault", "arguments": {"query": "x"}}'


def test_embed_is_deterministic_normalized_and_similarity_preserving(
    ollama_server: OllamaServer,
) -> None:
    client = client_for(ollama_server)
    texts = [
        "renew the AWS certification before december",
        "renew AWS certification in december",
        "buy sourdough bread and oat milk",
    ]
    response = client.embed(model="nomic-embed-text", input=texts)
    a, b, c = response.embeddings
    assert response.model == "nomic-embed-text"
    assert all(len(v) == 256 and math.isclose(cosine(v, v), 1.0) for v in (a, b, c))
    assert cosine(a, b) > 0.5 > abs(cosine(a, c))
    assert list(a) == embed_text(texts[0])
    assert client.embed(model="nomic-embed-text", input=texts[0]).embeddings == [a]

    short_a, short_b, short_c = client.embed(
        model="nomic-embed-text", input=texts, dimensions=32
    ).embeddings
    assert len(short_a) == 32 and math.isclose(cosine(short_a, short_a), 1.0)
    assert cosine(short_a, short_b) > cosine(short_a, short_c)
    assert client.embed(model="nomic-embed-text", input="").embeddings == []


def test_embed_with_a_missing_model_is_404(ollama_server: OllamaServer) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        client_for(ollama_server).embed(model="mxbai-embed-large", input="x")
    assert caught.value.status_code == 404
    assert caught.value.error == 'model "mxbai-embed-large" not found, try pulling it first'


@pytest.mark.parametrize("stream", [False, True])
def test_chat_with_a_missing_model_is_404(ollama_server: OllamaServer, stream: bool) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        result = client_for(ollama_server).chat(
            "llama3.1:8b", messages=[{"role": "user", "content": "hi"}], stream=stream
        )
        if stream:
            list(result)  # the client only sends the request when the stream is iterated
    assert caught.value.status_code == 404
    assert caught.value.error == "model 'llama3.1:8b' not found"


def test_chat_with_an_embedding_model_is_refused(ollama_server: OllamaServer) -> None:
    with pytest.raises(ollama.ResponseError) as caught:
        client_for(ollama_server).chat(
            "nomic-embed-text", messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 400
    assert caught.value.error == '"nomic-embed-text" does not support chat'


def test_scripted_errors_before_and_during_a_stream() -> None:
    def reply(request: dict[str, Any]) -> Reply:
        if request["messages"][-1]["content"] == "oom":
            raise ScriptedError("out of memory", status=500)
        return Reply(content="partial answer", error="llama runner process has terminated")

    with OllamaServer(reply=reply) as server:
        client = client_for(server)
        with pytest.raises(ollama.ResponseError) as before:
            client.chat("llama3.2", messages=[{"role": "user", "content": "oom"}])
        assert (before.value.status_code, before.value.error) == (500, "out of memory")

        received: list[str] = []
        with pytest.raises(ollama.ResponseError) as during:
            for chunk in client.chat(
                "llama3.2", messages=[{"role": "user", "content": "go"}], stream=True
            ):
                received.append(chunk.message.content or "")
        assert "".join(received) == "partial answer"
        assert during.value.error == "llama runner process has terminated"


def test_num_predict_cuts_the_reply_with_done_reason_length(ollama_server: OllamaServer) -> None:
    response = client_for(ollama_server).chat(
        "llama3.2",
        messages=[{"role": "user", "content": "[1] x"}],
        options={"num_predict": 2},
    )
    assert response.message.content == "According to"
    assert response.done_reason == "length"


def test_a_cancelled_stream_is_seen_as_a_disconnect() -> None:
    long_reply = " ".join(f"word{i}" for i in range(200))
    with OllamaServer(reply=lambda _r: long_reply, token_delay=0.02) as server:
        stream = client_for(server).chat(
            "llama3.2", messages=[{"role": "user", "content": "go"}], stream=True
        )
        for index, _chunk in enumerate(stream):
            if index == 2:
                break
        stream.close()  # what a UI's cancel does: drop the response mid-stream
        deadline = time.monotonic() + 3
        while not server.requests[-1].disconnected and time.monotonic() < deadline:
            time.sleep(0.01)
        # `disconnected` is set only when a write fails before the reply's last token.
        assert server.requests[-1].disconnected


def test_async_client_streams_too(ollama_server: OllamaServer) -> None:
    async def run() -> str:
        client = ollama.AsyncClient(host=ollama_server.url)
        parts = []
        async for chunk in await client.chat(
            "llama3.2", messages=[{"role": "user", "content": "[4] a note"}], stream=True
        ):
            parts.append(chunk.message.content or "")
        return "".join(parts)

    assert asyncio.run(run()) == "According to your notes [4], here is the answer."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ollama_down_then_back_on_the_same_port() -> None:
    with pytest.raises(ConnectionError):
        ollama.Client(host=f"http://127.0.0.1:{free_port()}").list()

    server = OllamaServer().start()
    try:
        client = client_for(server)  # one client: its kept-alive connection must be cut too
        assert client.list().models
        port = server.port

        server.stop()
        assert not server.running
        with pytest.raises(ConnectionError):
            client.list()

        server.start()
        assert server.port == port
        assert client.list().models
    finally:
        server.stop()
