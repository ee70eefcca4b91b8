"""Judging: built in its own issue."""
