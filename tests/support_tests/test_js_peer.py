"""The pinned reference JS automerge-repo: server.mjs and client.mjs working together, from Python."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from support import js_peer
from support.js_peer import (
    EXIT_CONNECT,
    EXIT_UNAVAILABLE,
    InteropUnavailable,
    JsClientError,
    JsSyncServer,
    js_create,
    js_hostile,
    js_put,
    js_read,
    js_splice,
)

UNKNOWN_URL = "automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ"


def test_create_read_splice_read(js_server: JsSyncServer) -> None:
    url = js_create(js_server.url, {"title": "Renew AWS", "body": "hello world", "tags": ["aws"]})
    assert url.startswith("automerge:")

    assert js_read(js_server.url, url) == {
        "title": "Renew AWS",
        "body": "hello world",
        "tags": ["aws"],
    }

    after = js_splice(js_server.url, url, ["body"], 5, 0, ", brave")
    assert after["body"] == "hello, brave world"
    # A fresh client (new process, new peer) sees the change: it reached the server.
    assert js_read(js_server.url, url)["body"] == "hello, brave world"

    js_splice(js_server.url, url, ["body"], 0, 5, "Goodbye")
    js_put(js_server.url, url, ["status"], "next")
    assert js_read(js_server.url, url) == {
        "title": "Renew AWS",
        "body": "Goodbye, brave world",
        "tags": ["aws"],
        "status": "next",
    }


def test_a_token_rides_in_the_query_and_the_server_ignores_it(tmp_path: Path) -> None:
    with JsSyncServer(tmp_path / "data", verbose=True) as server:
        url = js_create(server.url, {"body": "x"}, token="s3cret")
        assert js_read(server.url, url, token="s3cret") == {"body": "x"}
        assert "connection /?token=s3cret" in server.log


def test_an_unknown_document_is_unavailable_quickly(js_server: JsSyncServer) -> None:
    # The unavailable exit code (not the client's timeout) proves the server answered at once.
    with pytest.raises(JsClientError) as caught:
        js_read(js_server.url, UNKNOWN_URL)
    assert caught.value.returncode == EXIT_UNAVAILABLE
    assert "unavailable" in caught.value.stderr


def test_a_hostile_counter_document(js_server: JsSyncServer) -> None:
    url = js_hostile(js_server.url)
    assert js_read(js_server.url, url) == {"title": "hostile", "count": 42}


def test_documents_survive_a_server_restart(js_server: JsSyncServer) -> None:
    url = js_create(js_server.url, {"body": "persisted"})
    port = js_server.port

    assert js_server.stop() == 0  # SIGTERM: flush and exit cleanly
    assert not js_server.running
    js_server.start()

    assert js_server.port == port
    assert js_read(js_server.url, url) == {"body": "persisted"}
    assert any(js_server.data_dir.iterdir())


def test_no_server_means_a_connect_failure(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(JsClientError) as caught:
        js_read(f"ws://127.0.0.1:{port}", UNKNOWN_URL, timeout=1)
    assert caught.value.returncode == EXIT_CONNECT


def test_the_server_exits_when_its_parent_goes_away(tmp_path: Path) -> None:
    server = JsSyncServer(tmp_path / "data").start()
    process = server._process
    assert process is not None and process.stdin is not None
    process.stdin.close()  # what the OS does when the test process dies
    assert process.wait(timeout=5) == 0
    server.stop()


def test_missing_packages_say_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(js_peer, "INTEROP_DIR", tmp_path)
    with pytest.raises(InteropUnavailable, match=r"npm ci --prefix tests/interop"):
        JsSyncServer(tmp_path / "data").start()
    with pytest.raises(InteropUnavailable, match=r"npm ci --prefix tests/interop"):
        js_read("ws://127.0.0.1:1", UNKNOWN_URL)
