"""Solo's sync layer."""
