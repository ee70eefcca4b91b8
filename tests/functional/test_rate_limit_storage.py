"""Rate limits under several gunicorn workers: counted in Redis, or the server refuses to start."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from flask import Flask

from bench.servers import HOST, GunicornServer
from tests.factories import make_user
from tests.servers import CSRF_PATTERN, Browser, gunicorn, production_env

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
CONFIG = ("-c", "python:core.gunicorn_conf")
ACCESS_LOG = ("--access-logfile", "-", "--access-logformat", "pid=%(p)s %(m)s %(U)s %(s)s")


@pytest.fixture
def redis_db() -> str:
    """An empty Redis database for the limiter's counters (skips when no Redis answers)."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL or start redis-server)")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def two_workers(database_url: str, tmp_path: Path, redis_db: str) -> Iterator[GunicornServer]:
    env = production_env(database_url, tmp_path, REDIS_URL=redis_db)
    server = gunicorn(tmp_path, env, 2, *CONFIG, *ACCESS_LOG)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _wrong_password(browser: Browser) -> int:
    return browser.submit("/login", {"email": "ada@example.org", "password": "wrong-1"}).status_code


def test_wrong_passwords_for_one_account_are_counted_across_workers(
    two_workers: GunicornServer,
) -> None:
    make_user("ada")
    browser = Browser(two_workers.base_url)
    token = CSRF_PATTERN.search(browser.get("/login").text).group(1)
    body = urlencode({"email": "ada@example.org", "password": "wrong-0", "csrf_token": token})
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.http.cookies)
    # A sync worker serves one connection at a time: hold one busy with a sign-in whose body
    # has not arrived, and the next sign-ins must go to the other worker.
    held = socket.create_connection((HOST, two_workers.port), timeout=10)
    held.sendall(
        f"POST /login HTTP/1.1\r\nHost: {HOST}\r\nCookie: {cookie}\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    statuses = [_wrong_password(browser) for _ in range(4)]
    held.sendall(body.encode())
    reply = b""
    while chunk := held.recv(65536):
        reply += chunk
    held.close()
    statuses.append(int(reply.split(b" ", 2)[1]))
    statuses.append(_wrong_password(browser))

    assert statuses == [422] * 5 + [429]
    workers = set(re.findall(r"pid=<(\d+)> POST /login", two_workers.output()))
    assert len(workers) == 2, two_workers.log_tail()


def test_several_workers_refuse_to_start_with_per_process_rate_limits(
    database_url: str, tmp_path: Path
) -> None:
    env = production_env(database_url, tmp_path, RATELIMIT_STORAGE_URI="memory://")
    server = gunicorn(tmp_path, env, 2, *CONFIG)
    with pytest.raises(RuntimeError, match="exited"):
        server.start()
    server.stop()
    assert "RATELIMIT_ALLOW_MEMORY" in server.output()

    env["RATELIMIT_ALLOW_MEMORY"] = "1"
    server = gunicorn(tmp_path, env, 2, *CONFIG)
    server.start()  # told to: it serves
    server.stop()


def test_sign_in_keeps_working_and_limited_when_redis_is_down(
    make_app: Callable[..., Flask],
) -> None:
    """Redis unreachable (a port nobody listens on): no 500; each process counts on its own
    until Redis answers again, so wrong passwords still meet the limit."""
    with socket.socket() as probe:  # a free port, closed again: connections are refused
        probe.bind((HOST, 0))
        dead = f"redis://{HOST}:{probe.getsockname()[1]}/0"
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=dead)
    try:
        client = app.test_client()
        make_user("ada")
        statuses = [
            client.post(
                "/login", data={"email": "ada@example.org", "password": f"wrong-{n}"}
            ).status_code
            for n in range(6)
        ]
        assert 500 not in statuses
        assert statuses[-1] == 429, statuses
        assert client.get("/challenges").status_code == 200
    finally:
        make_app()  # the limiter is one object: give it back the tests' in-memory storage
