"""Benchmark harness: seed a database, serve the app under gunicorn, load it with wrk."""
