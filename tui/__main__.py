"""`python -m solo.tui` runs the `solo` command line."""

from solo.tui.cli import entry

entry()
