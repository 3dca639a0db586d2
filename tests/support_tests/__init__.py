"""Tests of the test infrastructure in tests/support."""
