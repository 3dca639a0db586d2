"""An Ollama-API-compatible HTTP test server on 127.0.0.1 that scripts replies and records requests.

It speaks the wire format the `ollama` Python client (0.6.x) expects from a real Ollama:
`GET /api/tags`, `POST /api/show`, `POST /api/chat` (NDJSON stream or one JSON object, tool
calls included), `POST /api/embed` (deterministic hashed bag-of-words vectors), `GET /api/version`,
`GET /api/ps` and `GET /`. Errors look like Ollama's: `{"error": "..."}` with its status codes.

    with OllamaServer(reply=lambda req: "hello [1]") as server:
        client = ollama.Client(host=server.url)
        ...
        assert "secret" not in server.seen_text()

Stopping the server (or never starting it) is "Ollama is down": connections are refused, and
connections a client kept alive are cut.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

HOST = "127.0.0.1"
DEFAULT_CHAT_MODELS = ("llama3.2",)
DEFAULT_EMBED_MODELS = ("nomic-embed-text",)
DEFAULT_VERSION = "0.12.6"
NO_ANSWER = "I found nothing about that in your vault."

_SOURCE_REF = re.compile(r"\[(\d+)\]")
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"\s*\S+|\s+")


@dataclass(frozen=True)
class ToolCall:
    """A tool call the scripted model makes: the function's name and its arguments."""

    name: str
    arguments: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """A full scripted reply: text, tool calls, and optionally an error sent after the text."""

    content: str = ""
    tool_calls: Sequence[ToolCall] = ()
    error: str | None = None
    """Streamed as an `{"error": ...}` line after the content (a 500 when not streaming)."""


class ScriptedError(Exception):
    """Raise from a reply function to answer with an HTTP error, as Ollama would."""

    def __init__(self, message: str, status: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


ReplyValue = str | ToolCall | Sequence[ToolCall] | Reply
ReplyFn = Callable[[dict[str, Any]], ReplyValue]


@dataclass
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    body: Any
    """The parsed JSON body, or None when there was none (or it did not parse)."""
    disconnected: bool = False
    """True when the client went away before the response was fully written (a cancelled stream)."""


def cited_sources(request: Mapping[str, Any]) -> list[int]:
    """The numbered sources (`[1]`, `[2]`, ...) in a chat request's non-assistant messages, sorted."""
    found: set[int] = set()
    for message in request.get("messages") or []:
        if message.get("role") != "assistant":
            found.update(int(n) for n in _SOURCE_REF.findall(message.get("content") or ""))
    return sorted(found)


def default_reply(request: Mapping[str, Any]) -> str:
    """Cite every numbered source the prompt holds, or say the vault has no answer."""
    sources = cited_sources(request)
    if not sources:
        return NO_ANSWER
    cites = " ".join(f"[{n}]" for n in sources)
    return f"According to your notes {cites}, here is the answer."


def embed_text(text: str, dim: int = 256) -> list[float]:
    """A deterministic unit vector: a signed, hashed bag of lower-cased words (zeros for no words).

    Each word lands once in every band [0:16), [16:32), [32:64), ... so that, as with Ollama's
    `dimensions`, a truncated vector still compares texts.
    """
    vec = [0.0] * dim
    bands = _bands(dim)
    for word in _WORD.findall(text.lower()):
        digest = hashlib.blake2b(word.encode(), digest_size=4 * len(bands)).digest()
        for i, (start, end) in enumerate(bands):
            number = int.from_bytes(digest[4 * i : 4 * i + 4], "big")
            vec[start + number % (end - start)] += 1.0 if number >> 31 else -1.0
    return _normalize(vec)


def _bands(dim: int) -> list[tuple[int, int]]:
    bands, start, end = [], 0, min(16, dim)
    while start < dim:
        bands.append((start, end))
        start, end = end, min(2 * end, dim)
    return bands


def _normalize(vec: list[float]) -> list[float]:
    norm = math.sqrt(sum(v * v for v in vec))
    return [v / max(norm, 1e-12) for v in vec]


def _full_name(name: str) -> str:
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def _as_reply(value: ReplyValue) -> Reply:
    if isinstance(value, Reply):
        return value
    if isinstance(value, str):
        return Reply(content=value)
    if isinstance(value, ToolCall):
        return Reply(tool_calls=(value,))
    return Reply(tool_calls=tuple(value))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], owner: OllamaServer) -> None:
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a vanished client is normal here
            super().handle_error(request, client_address)

    def cut_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _ClientGone(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        record = RecordedRequest(method=method, path=path, body=body)
        self.server.owner._record(record)
        try:
            self.server.owner._handle(self, record, raw)
        except (_ClientGone, BrokenPipeError, ConnectionResetError):
            record.disconnected = True
            self.close_connection = True

    def send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_text(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def stream_line(self, payload: Any) -> None:
        data = json.dumps(payload).encode() + b"\n"
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise _ClientGone from exc

    def end_stream(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise _ClientGone from exc


class OllamaServer:
    """A scripted, recording stand-in for Ollama on 127.0.0.1 (ephemeral port unless given)."""

    def __init__(
        self,
        *,
        chat_models: Iterable[str] = DEFAULT_CHAT_MODELS,
        embed_models: Iterable[str] = DEFAULT_EMBED_MODELS,
        reply: ReplyFn = default_reply,
        token_delay: float = 0.0,
        embedding_dim: int = 256,
        version: str = DEFAULT_VERSION,
        port: int = 0,
        tools: bool = True,
    ) -> None:
        self.chat_models = [_full_name(m) for m in chat_models]
        self.embed_models = [_full_name(m) for m in embed_models]
        self.reply = reply
        self.token_delay = token_delay
        """Seconds to sleep before each streamed chunk; may be changed while running."""
        self.embedding_dim = embedding_dim
        self.version = version
        self.tools = tools
        """Whether chat models report the "tools" capability (and so may be offered tools)."""
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Listen and serve in a daemon thread; after a stop, come back on the same port."""
        if self._server is not None:
            return self
        self._server = _Server((HOST, self._port), self)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"ollama-test-server-{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and cut open connections: from now on Ollama is down."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.cut_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        """The bound port (0 before the first start)."""
        return self._port

    @property
    def url(self) -> str:
        """What to give `ollama.Client(host=...)` or Solo's config."""
        return f"http://{HOST}:{self._port}"

    # -- recorded requests -------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The requests received on one path, e.g. "/api/chat"."""
        return [r for r in self.requests if r.path == path]

    def chat_requests(self) -> list[dict[str, Any]]:
        """The JSON bodies of every `/api/chat` request."""
        return [r.body for r in self.requests_to("/api/chat") if isinstance(r.body, dict)]

    def embed_inputs(self) -> list[str]:
        """Every text sent to `/api/embed`, flattened in order."""
        texts: list[str] = []
        for record in self.requests_to("/api/embed"):
            value = record.body.get("input") if isinstance(record.body, dict) else None
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, list):
                texts.extend(v for v in value if isinstance(v, str))
        return texts

    def seen_text(self) -> str:
        """All text that reached the model: every chat message and every embedded input."""
        parts = [
            message.get("content") or ""
            for body in self.chat_requests()
            for message in body.get("messages") or []
        ]
        parts.extend(self.embed_inputs())
        return "\n".join(parts)

    def clear(self) -> None:
        """Forget the recorded requests."""
        with self._lock:
            self._requests.clear()

    def _record(self, record: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(record)

    # -- routing -----------------------------------------------------------------------------

    def _handle(self, h: _Handler, record: RecordedRequest, raw: bytes) -> None:
        routes: dict[tuple[str, str], Callable[[_Handler, Any], None]] = {
            ("GET", "/"): lambda h, _b: h.send_text(200, "Ollama is running"),
            ("HEAD", "/"): lambda h, _b: h.send_text(200, "Ollama is running"),
            ("GET", "/api/version"): lambda h, _b: h.send_json(200, {"version": self.version}),
            ("GET", "/api/tags"): lambda h, _b: h.send_json(200, self._tags()),
            ("GET", "/api/ps"): lambda h, _b: h.send_json(200, {"models": []}),
            ("POST", "/api/show"): self._show,
            ("POST", "/api/chat"): self._chat,
            ("POST", "/api/embed"): self._embed,
        }
        route = routes.get((record.method, record.path))
        if route is None:
            h.send_text(404, "404 page not found")
            return
        if record.method == "POST":
            if not raw:
                h.send_json(400, {"error": "missing request body"})
                return
            if not isinstance(record.body, dict):
                h.send_json(400, {"error": "invalid character in request body"})
                return
        route(h, record.body)

    def _known(self, name: str) -> bool:
        return _full_name(name) in self.chat_models + self.embed_models

    def _details(self, name: str) -> dict[str, Any]:
        family = "nomic-bert" if _full_name(name) in self.embed_models else "llama"
        return {
            "parent_model": "",
            "format": "gguf",
            "family": family,
            "families": [family],
            "parameter_size": "137M" if family == "nomic-bert" else "3.2B",
            "quantization_level": "F16" if family == "nomic-bert" else "Q4_K_M",
        }

    def _tags(self) -> dict[str, Any]:
        models = []
        for name in self.chat_models + self.embed_models:
            digest = hashlib.sha256(name.encode()).hexdigest()
            models.append(
                {
                    "name": name,
                    "model": name,
                    "modified_at": "2026-01-01T00:00:00Z",
                    "size": 274302450 if name in self.embed_models else 2019393189,
                    "digest": digest,
                    "details": self._details(name),
                }
            )
        return {"models": models}

    def _capabilities(self, name: str) -> list[str]:
        if _full_name(name) in self.embed_models:
            return ["embedding"]
        return ["completion", "tools"] if self.tools else ["completion"]

    def _show(self, h: _Handler, body: dict[str, Any]) -> None:
        name = body.get("model") or body.get("name") or ""
        if not name:
            h.send_json(400, {"error": "model is required"})
            return
        if not self._known(name):
            h.send_json(404, {"error": f"model '{name}' not found"})
            return
        family = self._details(name)["family"]
        h.send_json(
            200,
            {
                "license": "",
                "modelfile": f'# Modelfile generated by "ollama show"\nFROM {_full_name(name)}\n',
                "parameters": "",
                "template": "{{ .Prompt }}",
                "details": self._details(name),
                "model_info": {
                    "general.architecture": family,
                    f"{family}.context_length": 8192 if family == "nomic-bert" else 131072,
                    f"{family}.embedding_length": 768 if family == "nomic-bert" else 3072,
                },
                "capabilities": self._capabilities(name),
                "modified_at": "2026-01-01T00:00:00Z",
            },
        )

    def _embed(self, h: _Handler, body: dict[str, Any]) -> None:
        name = body.get("model") or ""
        value = body.get("input")
        if isinstance(value, str):
            texts = [value] if value else []
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            texts = list(value)
        elif value is None:
            texts = []
        else:
            h.send_json(400, {"error": "invalid input type"})
            return
        if not self._known(name):
            h.send_json(404, {"error": f'model "{name}" not found, try pulling it first'})
            return
        dims = body.get("dimensions") or 0
        vectors = []
        for text in texts:
            vec = embed_text(text, self.embedding_dim)
            if 0 < dims < len(vec):
                vec = _normalize(vec[:dims])
            vectors.append(vec)
        h.send_json(
            200,
            {
                "model": name,
                "embeddings": vectors,
                "total_duration": 1_000_000,
                "load_duration": 100_000,
                "prompt_eval_count": sum(len(_WORD.findall(t)) for t in texts),
            },
        )

    def _chat(self, h: _Handler, body: dict[str, Any]) -> None:
        name = body.get("model") or ""
        if not name:
            h.send_json(400, {"error": "model is required"})
            return
        if not self._known(name):
            h.send_json(404, {"error": f"model '{name}' not found"})
            return
        if "completion" not in self._capabilities(name):
            h.send_json(400, {"error": f'"{name}" does not support chat'})
            return
        stream = body.get("stream", True) is not False
        messages = body.get("messages") or []
        if not messages:
            h.send_json(
                200,
                {
                    "model": name,
                    "created_at": _now(),
                    "message": {"role": "assistant", "content": ""},
                    "done_reason": "load",
                    "done": True,
                },
            )
            return
        try:
            reply = _as_reply(self.reply(body))
        except ScriptedError as exc:
            h.send_json(exc.status, {"error": exc.message})
            return

        content, tool_calls = reply.content, list(reply.tool_calls)
        declared = {(tool.get("function") or {}).get("name") for tool in body.get("tools") or []}
        # Like a real model: a tool call for a tool the request did not offer is just text.
        for call in [c for c in tool_calls if c.name not in declared]:
            tool_calls.remove(call)
            content += json.dumps({"name": call.name, "arguments": dict(call.arguments)})
        pieces = _tokens(content)
        done_reason = "stop"
        limit = (body.get("options") or {}).get("num_predict")
        if isinstance(limit, int) and 0 <= limit < len(pieces):
            pieces, done_reason, tool_calls = pieces[:limit], "length", []
        wire_calls = [
            {
                "id": "call_" + hashlib.sha256(f"{i}{c.name}".encode()).hexdigest()[:8],
                "function": {"index": i, "name": c.name, "arguments": dict(c.arguments)},
            }
            for i, c in enumerate(tool_calls)
        ]
        prompt_words = sum(len(_WORD.findall(m.get("content") or "")) for m in messages)
        final = {
            "model": name,
            "created_at": "",
            "message": {"role": "assistant", "content": ""},
            "done_reason": done_reason,
            "done": True,
            "total_duration": 5_000_000 + 1_000_000 * len(pieces),
            "load_duration": 1_000_000,
            "prompt_eval_count": prompt_words,
            "prompt_eval_duration": 2_000_000,
            "eval_count": len(pieces) + len(wire_calls),
            "eval_duration": 1_000_000 * len(pieces),
        }

        if not stream:
            if self.token_delay:
                time.sleep(self.token_delay * len(pieces))
            if reply.error is not None:
                h.send_json(500, {"error": reply.error})
                return
            final["created_at"] = _now()
            final["message"]["content"] = "".join(pieces)
            if wire_calls:
                final["message"]["tool_calls"] = wire_calls
            h.send_json(200, final)
            return

        h.start_stream()
        for piece in pieces:
            if self.token_delay:
                time.sleep(self.token_delay)
            h.stream_line(
                {
                    "model": name,
                    "created_at": _now(),
                    "message": {"role": "assistant", "content": piece},
                    "done": False,
                }
            )
        if reply.error is not None:
            h.stream_line({"error": reply.error})
            h.end_stream()
            return
        if wire_calls:
            h.stream_line(
                {
                    "model": name,
                    "created_at": _now(),
                    "message": {"role": "assistant", "content": "", "tool_calls": wire_calls},
                    "done": False,
                }
            )
        final["created_at"] = _now()
        h.stream_line(final)
        h.end_stream()
