"""The private assistant: passages, vectors and facts retrieved from the vault, and cited answers from Ollama."""
