"""Payments: built in its own issue."""
