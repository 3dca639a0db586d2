"""Solo's tui layer."""
