"""Pure judging functions (no database, no Flask), checked against docs/judging.md's examples."""
