"""Test modules every generated project shares."""
