"""`solo ask`: the private assistant on the command line, streaming, with sources and confirmed writes."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from solo.core.assistant.answer import Answer, Assistant, Done, Token, ToolUsed
from solo.core.assistant.ollama_client import AssistantUnavailable
from solo.core.assistant.tools import ProposedWrite
from solo.tui.cli.common import UserError, open_vault, print_json, today


def _confirm(proposal: ProposedWrite) -> bool:
    """y/N on a terminal; without one, nothing is written."""
    if not sys.stdin.isatty():
        print(f"solo: not written (confirmation needs a terminal): {proposal.describe()}",
              file=sys.stderr)
        return False
    try:
        reply = input(f"{proposal.describe()}? [y/N] ")
    except EOFError:
        return False
    return reply.strip().lower() in ("y", "yes")


def _print_sources(answer: Answer) -> None:
    if not answer.model_called:
        return
    if answer.sources:
        print("\nSources:")
        for source in answer.sources:
            print(f"  [{source.number}] {source.title}  ({source.path})")
    else:
        print("\n(no sources cited)")


def cmd_ask(args: argparse.Namespace) -> int:
    question = " ".join(args.question).strip()
    if not question:
        raise UserError("ask needs a question")
    with open_vault(args) as vault:
        assistant = Assistant(vault, model=args.model, today=today())
        try:
            assistant.check()
            if args.embed:
                assistant.embed_all()
            assistant.attach_vectors()
            answer: Answer | None = None
            for event in assistant.ask(question):
                if isinstance(event, Token) and not args.json:
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
                elif isinstance(event, ToolUsed) and not args.json:
                    print(f"\n  … {event.name}({_args(event.arguments)})", file=sys.stderr)
                elif isinstance(event, Done):
                    answer = event.answer
        except AssistantUnavailable as exc:
            raise UserError(str(exc)) from None
        finally:
            assistant.close()
        assert answer is not None
        if not args.json:
            print()
            _print_sources(answer)
        written = []
        for proposal in answer.proposals:
            if not args.json and _confirm(proposal):
                item = assistant.apply(proposal)
                written.append(item.path)
                print(f"Added {item.kind} {item.id}: {item.path}")
            elif args.json:
                print(f"solo: not written (--json never writes): {proposal.describe()}",
                      file=sys.stderr)
        if args.json:
            print_json({
                "question": answer.question, "answer": answer.text,
                "model": assistant.model,
                "sources": [{"number": s.number, "title": s.title, "path": s.path}
                            for s in answer.sources],
                "passages": [{"number": i, "title": p.title, "path": p.path}
                             for i, p in enumerate(answer.passages, 1)],
                "proposals": [{"kind": p.kind, "title": p.title, "fields": p.fields}
                              for p in answer.proposals],
                "written": written,
            })
    return 0


def _args(arguments: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in arguments.items())
