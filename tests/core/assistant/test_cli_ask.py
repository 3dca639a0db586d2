"""`solo ask` as a real subprocess against the Ollama stand-in (reached through OLLAMA_HOST)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from support.ollama_server import OllamaServer, ToolCall
from support.solo_cli import run_solo, solo_env

from solo.core.vault import Vault

from .conftest import assert_nothing_private


def env_for(url: str) -> dict[str, str]:
    return solo_env(OLLAMA_HOST=url, SOLO_TODAY="2026-11-26")


def ask(root: Path, url: str, *args: str, input: str | None = None
        ) -> subprocess.CompletedProcess[str]:
    return run_solo("--vault", str(root), "ask", *args, env=env_for(url), input=input)


def test_exam_question_streams_the_answer_and_lists_the_source(
        example_vault: Vault, ollama_server: OllamaServer) -> None:
    result = ask(example_vault.root, ollama_server.url, "When is my exam?")
    assert result.returncode == 0, result.stderr
    answer, sources = result.stdout.split("\nSources:\n")
    assert answer.startswith("According to your notes [1]")
    assert "AWS Certified Solutions Architect – Professional (SAP-C02) exam  " \
           "(learning/aws-sa-pro-exam.md)" in sources
    prompt = ollama_server.chat_requests()[-1]["messages"][-1]["content"]
    assert "(learning/aws-sa-pro-exam.md)" in prompt
    assert_nothing_private(ollama_server)


def test_json_output_and_model_override(example_vault: Vault) -> None:
    with OllamaServer(chat_models=["llama3.2", "qwen2.5:7b"]) as server:
        result = ask(example_vault.root, server.url, "what", "is", "overdue?", "--json",
                     "--model", "qwen2.5:7b")
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        assert server.chat_requests()[-1]["model"] == "qwen2.5:7b"
    assert data["model"] == "qwen2.5:7b" and data["question"] == "what is overdue?"
    paths = [s["path"] for s in data["sources"]]
    assert paths[:3] == ["tasks/submit-expense-report-october.md",
                         "tasks/review-pr-iceberg-partitioning.md",
                         "tasks/write-terraform-module-readmes.md"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_nothing_listening_exits_1_naming_ollama(example_vault: Vault) -> None:
    result = ask(example_vault.root, f"http://127.0.0.1:{free_port()}", "When is my exam?")
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "Ollama is not reachable" in line and "`ollama serve`" in line
    assert "Traceback" not in result.stderr


def test_model_not_pulled_says_what_to_run(example_vault: Vault,
                                           ollama_server: OllamaServer) -> None:
    result = ask(example_vault.root, ollama_server.url, "--model", "mistral", "hello")
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "`ollama pull mistral`" in line
    assert ollama_server.chat_requests() == []


def test_non_local_host_is_refused(example_vault: Vault) -> None:
    result = ask(example_vault.root, "http://192.0.2.10:11434", "When is my exam?")
    assert result.returncode == 1
    assert "not on this machine" in result.stderr and "allow_remote_host" in result.stderr


def test_config_host_is_used_without_ollama_host(example_vault: Vault,
                                                 ollama_server: OllamaServer) -> None:
    example_vault.config.assistant.host = ollama_server.url
    example_vault.save_config()
    env = solo_env(SOLO_TODAY="2026-11-26")
    env.pop("OLLAMA_HOST", None)
    result = run_solo("--vault", str(example_vault.root), "ask", "When is my exam?", env=env)
    assert result.returncode == 0, result.stderr
    assert ollama_server.chat_requests()


def test_nothing_relevant_prints_the_no_answer_line(example_vault: Vault,
                                                    ollama_server: OllamaServer) -> None:
    result = ask(example_vault.root, ollama_server.url, "What is the capital of Peru?")
    assert result.returncode == 0
    assert result.stdout.strip() == "Your vault does not hold the answer to that."
    assert ollama_server.chat_requests() == []


def propose(request: dict[str, Any]) -> ToolCall | str:
    if request["messages"][-1]["role"] == "tool":
        return "Proposed the task."
    return ToolCall("propose_task", {"title": "Renew passport", "due": "2026-12-20"})


def test_a_proposal_is_refused_without_a_terminal(example_vault: Vault) -> None:
    with OllamaServer(reply=propose) as server:
        result = ask(example_vault.root, server.url, "Remind me to renew my passport",
                     input="y\n")
    assert result.returncode == 0, result.stderr
    assert "not written (confirmation needs a terminal)" in result.stderr
    assert not (example_vault.root / "tasks" / "renew-passport.md").exists()


def run_on_tty(root: Path, url: str, answer: bytes) -> str:
    main, child = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "solo.tui", "--vault", str(root), "ask",
         "Remind me to renew my passport"], stdin=child, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=env_for(url))
    os.close(child)
    os.write(main, answer)
    out, err = process.communicate(timeout=60)
    os.close(main)
    assert process.returncode == 0, err
    return out.decode()


def test_a_proposal_is_written_only_after_yes_on_a_terminal(example_vault: Vault) -> None:
    target = example_vault.root / "tasks" / "renew-passport.md"
    with OllamaServer(reply=propose) as server:
        out = run_on_tty(example_vault.root, server.url, b"n\n")
        assert not target.exists()
        out = run_on_tty(example_vault.root, server.url, b"y\n")
    assert "Added task" in out and target.exists()
    assert 'due = 2026-12-20' in target.read_text()
