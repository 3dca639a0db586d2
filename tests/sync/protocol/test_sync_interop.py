"""The reference JS automerge-repo client against Solo's sync server, run like `solo serve`."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.js_peer import (
    EXIT_CONNECT,
    EXIT_UNAVAILABLE,
    JsClientError,
    js_create,
    js_hostile,
    js_read,
    js_splice,
    require_interop,
)
from support.sync_helpers import SyncClient, make_note
from support.sync_server import ServedProcess, serve_in_process

from solo.core.engine.store import DocStore
from solo.core.model.ids import document_url, new_document_id, parse_document_url

TOKEN = "interop-token"


@pytest.fixture
def solo_server(tmp_path: Path) -> Iterator[ServedProcess]:
    """main_serve (what `solo serve` runs) in a subprocess with a token; stopped by SIGTERM."""
    require_interop()
    with serve_in_process(tmp_path, TOKEN) as served:
        yield served


def test_js_client_creates_reads_and_splices(solo_server: ServedProcess) -> None:
    url = js_create(solo_server.url, {"title": "Renew AWS", "body": "hello world"}, token=TOKEN)
    assert js_read(solo_server.url, url, token=TOKEN) == {"title": "Renew AWS",
                                                          "body": "hello world"}
    after = js_splice(solo_server.url, url, ["body"], 5, 0, ", brave", token=TOKEN)
    assert after["body"] == "hello, brave world"
    assert js_read(solo_server.url, url, token=TOKEN)["body"] == "hello, brave world"

    doc_id = parse_document_url(url)

    async def python_side() -> None:
        async with SyncClient(solo_server.url + "/", token=TOKEN) as client:
            await client.request(doc_id)
            await client.wait_for(lambda: client.docs[doc_id].get(["body"]) == "hello, brave world")
            await client.edit(doc_id, ["body"], "hello, brave new world")
            await client.wait_idle([doc_id])

    asyncio.run(python_side())
    assert js_read(solo_server.url, url, token=TOKEN)["body"] == "hello, brave new world"


def test_js_client_without_the_token_cannot_connect(solo_server: ServedProcess) -> None:
    url = js_create(solo_server.url, {"body": "secret"}, token=TOKEN)
    with pytest.raises(JsClientError) as caught:
        js_read(solo_server.url, url, token="wrong", timeout=2)
    assert caught.value.returncode == EXIT_CONNECT


def test_js_counter_document_is_refused_and_never_stored(solo_server: ServedProcess) -> None:
    with pytest.raises(JsClientError) as caught:  # the server never acknowledges it
        js_hostile(solo_server.url, token=TOKEN, timeout=3)
    assert caught.value.returncode != 0
    assert solo_server.process.poll() is None
    log = solo_server.log.read_text()
    assert "refused: hostile or corrupt document" in log
    store = DocStore(solo_server.data / "docs")
    assert list(store.ids()) == []
    url = js_create(solo_server.url, {"body": "after the attack"}, token=TOKEN)
    assert js_read(solo_server.url, url, token=TOKEN) == {"body": "after the attack"}


def test_js_client_waiting_for_an_unknown_document_gets_it_when_pushed(
        solo_server: ServedProcess) -> None:
    doc_id = new_document_id()
    url = document_url(doc_id)
    with pytest.raises(JsClientError) as caught:
        js_read(solo_server.url, url, token=TOKEN)
    assert caught.value.returncode == EXIT_UNAVAILABLE

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(js_read, solo_server.url, url, wait=True, token=TOKEN)

        async def push_later() -> None:
            await asyncio.sleep(1.0)  # the JS client is connected and told "unavailable"
            async with SyncClient(solo_server.url + "/", token=TOKEN) as client:
                await client.push(doc_id, make_note("Late", "pushed from Python"))
                await client.wait_idle([doc_id])

        asyncio.run(push_later())
        assert waiting.result(timeout=15) == {"meta": {"title": "Late", "kind": "note"},
                                              "body": "pushed from Python"}
