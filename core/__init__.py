"""Solo's core layer."""
