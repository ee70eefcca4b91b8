"""The real app served by `flask run` or gunicorn in a subprocess, and an HTTP client for it."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.servers import HOST, GunicornServer, ServerProcess, server_env

ROOT = Path(__file__).resolve().parent.parent
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(kw_only=True)
class FlaskRunServer(ServerProcess):
    """``flask run`` in debug mode, as ``make run`` starts it (without the reloader)."""

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "run",
            "--no-reload",
            "--host",
            HOST,
            "--port",
            str(self.port),
        ]


# Settings of the caller's environment that would change what a test server does.
UNSET = {"REDIS_URL", "RATELIMIT_STORAGE_URI", "RATELIMIT_ALLOW_MEMORY", "MAIL_BACKEND", "BASE_URL"}


def production_env(database_url: str, workdir: Path, **settings: str) -> dict[str, str]:
    """Production settings on the test database, plain-HTTP cookies, rate limits on."""
    env = {k: v for k, v in server_env(database_url, workdir).items() if k not in UNSET}
    return {**env, "RATELIMIT_ENABLED": "1", **settings}


def debug_env(database_url: str, workdir: Path, **settings: str) -> dict[str, str]:
    """The environment ``make run`` gives ``flask run`` (debug mode), on the test database."""
    env = production_env(database_url, workdir, FLASK_DEBUG="1", **settings)
    del env["SECRET_KEY"]
    return env


def gunicorn(workdir: Path, env: dict[str, str], workers: int = 1, *args: str) -> GunicornServer:
    return GunicornServer(
        name="gunicorn",
        app_spec="app:create_app()",
        workers=workers,
        env=env,
        cwd=ROOT,
        log_path=workdir / "gunicorn.log",
        ready_path="/healthz",
        extra_args=args,
    )


def flask_run(workdir: Path, env: dict[str, str]) -> FlaskRunServer:
    return FlaskRunServer(
        name="flask run", env=env, cwd=ROOT, log_path=workdir / "flask.log", ready_path="/healthz"
    )


@dataclass
class Browser:
    """Cookies kept between requests and CSRF tokens read from forms, as a browser does."""

    base_url: str
    http: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self._url(path), timeout=10)

    def submit(self, path: str, data: dict[str, str]) -> requests.Response:
        """Open the page holding the form, then post ``data`` to it with its CSRF token."""
        match = CSRF_PATTERN.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return self.http.post(
            self._url(path), data={**data, "csrf_token": match.group(1)}, timeout=10
        )

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path


def links_in(text: str, fragment: str) -> Iterator[str]:
    """Every http(s) link in ``text`` that contains ``fragment``, in order."""
    for link in re.findall(r"https?://\S+", text):
        if fragment in link:
            yield link
