"""Shared infrastructure (config, database, errors, security, rendering); imports no domain."""
