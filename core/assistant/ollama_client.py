"""The only door to Ollama: address checks, model checks, streaming chat and embeddings, clear errors."""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
import ollama

from solo.core.config import AssistantConfig
from solo.core.errors import SoloError

DEFAULT_HOST = "http://127.0.0.1:11434"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


class AssistantUnavailable(SoloError):
    """Ollama cannot be used; the message is one line telling the user what to do."""


class HostRefused(AssistantUnavailable):
    """The configured Ollama address is not on this machine and remote hosts are not allowed."""


def normalize_host(host: str) -> str:
    """`host[:port]` or a URL → `scheme://host:port`, with Ollama's own defaults for missing parts."""
    text = host.strip()
    has_scheme = "://" in text
    if not has_scheme and text.count(":") > 1 and not text.startswith("["):
        text = f"[{text}]"  # a bare IPv6 address
    try:
        parts = urlsplit(text if has_scheme else "http://" + text)
        port = parts.port
        name = parts.hostname or "127.0.0.1"
    except ValueError:
        raise AssistantUnavailable(f"not a valid Ollama address: {host!r}") from None
    if parts.scheme not in ("http", "https"):
        raise AssistantUnavailable(f"not a valid Ollama address: {host!r} (http or https only)")
    if name == "0.0.0.0":  # what `ollama serve` binds to; as a client address it means here
        name = "127.0.0.1"
    default_port = (443 if parts.scheme == "https" else 80) if has_scheme else 11434
    shown = f"[{name}]" if ":" in name else name
    return f"{parts.scheme}://{shown}:{port or default_port}"


def is_local_host(url: str) -> bool:
    """True when the address names this machine (loopback), without any DNS lookup."""
    name = (urlsplit(url).hostname or "").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def resolve_host(config: AssistantConfig, env: Mapping[str, str] | None = None) -> str:
    """The Ollama address to use: `OLLAMA_HOST`, else the config; refuses a remote one unless allowed."""
    env = os.environ if env is None else env
    raw = env.get("OLLAMA_HOST") or config.host or DEFAULT_HOST
    url = normalize_host(raw)
    if not is_local_host(url) and not config.allow_remote_host:
        raise HostRefused(f"Ollama address {url} is not on this machine; set "
                          "allow_remote_host = true under [assistant] in .solo/config.toml "
                          "to allow it")
    return url


@dataclass(frozen=True)
class ModelInfo:
    """What Ollama says about one pulled model."""

    name: str
    capabilities: tuple[str, ...] = ()

    @property
    def tools(self) -> bool:
        return "tools" in self.capabilities

    @property
    def embedding(self) -> bool:
        return "embedding" in self.capabilities


@dataclass
class ChatChunk:
    """One streamed piece of a reply: text and/or tool calls; `done` on the last."""

    text: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    done: bool = False


class OllamaGateway:
    """A thin, error-translating wrapper over `ollama.Client` for one address."""

    def __init__(self, host: str, timeout: float = 300.0) -> None:
        self.host = host
        self._open: set[httpx.Response] = set()
        self._open_lock = threading.Lock()
        self._cancels = 0
        # trust_env=False: no proxy from the environment may see the vault's text.
        self._client = ollama.Client(host=host, timeout=httpx.Timeout(timeout, connect=3.0),
                                     trust_env=False,
                                     event_hooks={"response": [self._track]})
        self._models: dict[str, ModelInfo] = {}

    def _track(self, response: httpx.Response) -> None:
        with self._open_lock:
            self._open = {r for r in self._open if not r.is_closed}
            self._open.add(response)

    def cancel(self) -> None:
        """Close every response in flight (from any thread): a streaming chat ends at once."""
        with self._open_lock:
            responses, self._open = list(self._open), set()
            self._cancels += 1
        for response in responses:
            try:
                response.close()
            except Exception:  # noqa: BLE001 - already closed or mid-read: either way it ends
                pass

    def close(self) -> None:
        self._client.close()

    def _down(self) -> AssistantUnavailable:
        return AssistantUnavailable(f"Ollama is not reachable at {self.host}; start it with "
                                    "`ollama serve` (or set OLLAMA_HOST)")

    def _missing(self, model: str) -> AssistantUnavailable:
        return AssistantUnavailable(f"model '{model}' is not pulled in Ollama at {self.host}; "
                                    f"run `ollama pull {model}`")

    def ping(self) -> bool:
        """True when Ollama answers at all."""
        try:
            self._client.list()
            return True
        except (ConnectionError, httpx.HTTPError, ollama.ResponseError):
            return False

    def model(self, name: str) -> ModelInfo:
        """The model's capabilities; raises AssistantUnavailable when Ollama is down or it is missing."""
        cached = self._models.get(name)
        if cached is not None:
            return cached
        try:
            shown = self._client.show(name)
        except (ConnectionError, httpx.TransportError):
            raise self._down() from None
        except ollama.ResponseError as exc:
            if exc.status_code == 404:
                raise self._missing(name) from None
            raise AssistantUnavailable(f"Ollama: {exc.error}") from None
        info = ModelInfo(name=name, capabilities=tuple(shown.capabilities or ()))
        self._models[name] = info
        return info

    def chat(self, model: str, messages: Sequence[Mapping[str, Any]], *,
             tools: Sequence[Mapping[str, Any]] | None = None,
             options: Mapping[str, Any] | None = None) -> Generator[ChatChunk, None, None]:
        """Stream a chat reply. Closing the iterator, or `cancel()` from another thread, drops the
        connection (Ollama stops generating); after a cancel the iterator just ends."""
        cancels = self._cancels
        try:
            stream = self._client.chat(model=model, messages=list(messages),
                                       tools=list(tools) if tools else None,
                                       options=dict(options or {}), stream=True)
            try:
                for part in stream:
                    calls = [{"function": {"name": c.function.name,
                                           "arguments": dict(c.function.arguments or {})}}
                             for c in (part.message.tool_calls or [])]
                    yield ChatChunk(text=part.message.content or "", tool_calls=calls,
                                    done=bool(part.done))
            finally:
                stream.close()  # type: ignore[attr-defined]  # ollama types its generator as Iterator; close() drops the HTTP response: Ollama stops generating
        except (ConnectionError, httpx.TransportError, httpx.StreamError):
            if self._cancels != cancels:
                return  # cancel() closed the response: the caller asked to stop
            raise self._down() from None
        except ollama.ResponseError as exc:
            if exc.status_code == 404:
                raise self._missing(model) from None
            raise AssistantUnavailable(f"Ollama: {exc.error}") from None

    def embed(self, model: str, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order."""
        if not texts:
            return []
        try:
            response = self._client.embed(model=model, input=list(texts))
        except (ConnectionError, httpx.TransportError):
            raise self._down() from None
        except ollama.ResponseError as exc:
            if exc.status_code == 404:
                raise self._missing(model) from None
            raise AssistantUnavailable(f"Ollama: {exc.error}") from None
        return [list(v) for v in response.embeddings]
