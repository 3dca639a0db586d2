"""Drive the pinned reference JS automerge-repo in tests/interop: its sync server and CLI client.

    with JsSyncServer(tmp_path / "server-data") as server:
        url = js_create(server.url, {"title": "x", "body": "hello"})
        assert js_read(server.url, url)["body"] == "hello"

Needs `node` and `npm ci --prefix tests/interop`; without them every entry point raises
`InteropUnavailable` saying so (nothing is skipped silently). Everything binds to 127.0.0.1.
"""

from __future__ import annotations

import atexit
import collections
import json
import shutil
import signal
import subprocess
import threading
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

INTEROP_DIR = Path(__file__).resolve().parent.parent / "interop"
SERVER_SCRIPT = INTEROP_DIR / "server.mjs"
CLIENT_SCRIPT = INTEROP_DIR / "client.mjs"
HOST = "127.0.0.1"

# client.mjs exit codes
EXIT_TIMEOUT = 2
EXIT_UNAVAILABLE = 3
EXIT_CONNECT = 4

_REQUIRED_PACKAGES = (
    "@automerge/automerge",
    "@automerge/automerge-repo",
    "@automerge/automerge-repo-network-websocket",
    "@automerge/automerge-repo-storage-nodefs",
    "ws",
)


class InteropUnavailable(RuntimeError):
    """Node.js or the pinned npm packages for the interop tests are missing."""


class JsClientError(RuntimeError):
    """client.mjs exited non-zero; `returncode` tells why (see the EXIT_* constants)."""

    def __init__(self, args: Sequence[str], returncode: int, stdout: str, stderr: str) -> None:
        super().__init__(
            f"client.mjs {' '.join(args)} exited {returncode}: {stderr.strip() or stdout.strip()}"
        )
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def require_interop() -> str:
    """The path of `node`, once it and the pinned packages are known to be installed."""
    node = shutil.which("node")
    if node is None:
        raise InteropUnavailable("node is not installed; the interop tests need Node.js >= 20")
    missing = [p for p in _REQUIRED_PACKAGES if not (INTEROP_DIR / "node_modules" / p).is_dir()]
    if missing:
        raise InteropUnavailable(
            f"{INTEROP_DIR / 'node_modules'} lacks {', '.join(missing)}: "
            "run `npm ci --prefix tests/interop` from the repository root"
        )
    return node


_running: weakref.WeakSet[JsSyncServer] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    for server in list(_running):
        server.stop()


class JsSyncServer:
    """The reference automerge-repo sync server (tests/interop/server.mjs) as a subprocess."""

    def __init__(self, data_dir: Path, port: int = 0, *, verbose: bool = False) -> None:
        self.data_dir = Path(data_dir)
        self._port = port
        self._verbose = verbose
        self._process: subprocess.Popen[str] | None = None
        self._log: collections.deque[str] = collections.deque(maxlen=200)

    def start(self, timeout: float = 15.0) -> Self:
        """Start the server and wait for its `listening <port>` line; after a stop, same port."""
        if self._process is not None:
            return self
        node = require_interop()
        command = [
            node,
            str(SERVER_SCRIPT),
            "--port",
            str(self._port),
            "--data",
            str(self.data_dir),
        ]
        command.append("--exit-on-stdin-eof")  # dies with us even if we are killed
        if self._verbose:
            command.append("--verbose")
        process = subprocess.Popen(
            command,
            cwd=INTEROP_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._process = process
        _running.add(self)
        ready = threading.Event()
        port: list[int] = []

        def read_stdout() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                if not port and line.startswith("listening "):
                    port.append(int(line.split()[1]))
                    ready.set()
                else:
                    self._log.append(line.rstrip("\n"))
            ready.set()  # exited before listening: wake the waiter

        def read_stderr() -> None:
            assert process.stderr is not None
            for line in process.stderr:
                self._log.append(line.rstrip("\n"))

        threading.Thread(target=read_stdout, daemon=True).start()
        threading.Thread(target=read_stderr, daemon=True).start()
        if not ready.wait(timeout) or not port:
            self.stop()
            raise RuntimeError(f"server.mjs did not start within {timeout}s:\n{self.log}")
        self._port = port[0]
        return self

    def stop(self, timeout: float = 5.0) -> int | None:
        """SIGTERM (the server flushes its storage), then SIGKILL if it lingers; its exit code."""
        process, self._process = self._process, None
        _running.discard(self)
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        return process.returncode

    def restart(self) -> Self:
        """Stop and start again on the same port with the same data."""
        self.stop()
        return self.start()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """The WebSocket URL clients connect to (the server ignores the path)."""
        return f"ws://{HOST}:{self._port}"

    @property
    def log(self) -> str:
        """The last lines the server wrote (stderr, and stdout past the listening line)."""
        return "\n".join(self._log)


def run_client(
    *args: str, token: str | None = None, timeout: float = 10.0, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `client.mjs ARGS...`; raise JsClientError on a non-zero exit when `check`."""
    node = require_interop()
    command = [node, str(CLIENT_SCRIPT), *args, "--timeout", str(timeout)]
    if token is not None:
        command += ["--token", token]
    result = subprocess.run(
        command,
        cwd=INTEROP_DIR,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout + 10,
    )
    if check and result.returncode != 0:
        raise JsClientError(args, result.returncode, result.stdout, result.stderr)
    return result


def js_create(
    ws_url: str, content: Mapping[str, Any], *, token: str | None = None, timeout: float = 10.0
) -> str:
    """Create a document with `content` (its strings become text) on the server; its URL."""
    return run_client(
        "create", ws_url, json.dumps(content), token=token, timeout=timeout
    ).stdout.strip()


def js_read(
    ws_url: str,
    automerge_url: str,
    *,
    wait: bool = False,
    token: str | None = None,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """The document as JSON. Unless `wait`, an unknown document fails fast (EXIT_UNAVAILABLE)."""
    args = ["read", ws_url, automerge_url, *(["--wait"] if wait else [])]
    return json.loads(run_client(*args, token=token, timeout=timeout).stdout)


def js_splice(
    ws_url: str,
    automerge_url: str,
    path: Sequence[str | int],
    index: int,
    delete: int,
    insert: str,
    *,
    token: str | None = None,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """`A.splice` on a text field (UTF-16 indexes), synced to the server; the document after."""
    args = [
        "splice",
        ws_url,
        automerge_url,
        json.dumps(list(path)),
        str(index),
        str(delete),
        insert,
    ]
    return json.loads(run_client(*args, token=token, timeout=timeout).stdout)


def js_put(
    ws_url: str,
    automerge_url: str,
    path: Sequence[str | int],
    value: Any,
    *,
    token: str | None = None,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Set `path` to a JSON value (strings become text), synced to the server; the document after."""
    args = ["put", ws_url, automerge_url, json.dumps(list(path)), json.dumps(value)]
    return json.loads(run_client(*args, token=token, timeout=timeout).stdout)


def js_hostile(ws_url: str, *, token: str | None = None, timeout: float = 10.0) -> str:
    """Create a document holding an incremented `A.Counter` (`count`, value 42); its URL."""
    return run_client("hostile", ws_url, token=token, timeout=timeout).stdout.strip()
