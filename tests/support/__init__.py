"""Test infrastructure: a scripted Ollama stand-in and the pinned reference JS automerge-repo."""
