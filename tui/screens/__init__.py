"""Solo's screens: each one calls the core, runs slow work in workers and updates its widgets."""
