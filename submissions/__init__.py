"""Submissions: built in its own issue."""
