"""Servers on 127.0.0.1 (gunicorn, flask run): own process group, wait until ready, stop."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def simulated_payments(workdir: Path) -> dict[str, Any]:
    """App settings for payments without Stripe keys (the app refuses to start outside debug
    without them unless told that payments are simulated); the simulator keeps its state in
    ``workdir`` rather than in the project's instance folder."""
    return {
        "STRIPE_SECRET_KEY": "",
        "PAYMENTS_SIMULATED": True,
        "STRIPE_SIMULATOR_STORE": str(workdir / "stripe-simulator.sqlite3"),
    }


def server_env(database_url: str, workdir: Path) -> dict[str, str]:
    """Environment of the gunicorn servers: production mode on the seeded database, no rate
    limits, plain-HTTP cookies, simulated payments (never real Stripe keys from the caller)."""
    drop = {"FLASK_DEBUG", "FLASK_TESTING", "STRIPE_SECRET_KEY", "STRIPE_API_BASE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        RATELIMIT_ENABLED="0",
        SESSION_COOKIE_SECURE="0",
        PYTHONUNBUFFERED="1",
        PAYMENTS_SIMULATED="1",
        STRIPE_SIMULATOR_STORE=simulated_payments(workdir)["STRIPE_SIMULATOR_STORE"],
    )
    return env


def free_port() -> int:
    """A port the kernel reports free on 127.0.0.1 (gunicorn binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    def set_cookies(self) -> list[str]:
        """The ``name=value`` part of each Set-Cookie header."""
        return [v.split(";", 1)[0] for k, v in self.headers if k.lower() == "set-cookie"]


def http_request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 5.0,
) -> Response:
    """One request to 127.0.0.1:port (redirects are not followed)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def get_status(port: int, path: str, timeout: float = 5.0) -> int:
    """Status of one GET to 127.0.0.1:port (redirects are not followed)."""
    return http_request(port, path, timeout=timeout).status


@dataclass(kw_only=True)
class BackgroundProcess:
    """A local process in its own process group, its output (stdout and stderr) in
    ``log_path``; subclasses say how to start it in ``command``."""

    name: str
    env: dict[str, str]
    cwd: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def launch(self) -> None:
        """Start the process without waiting for it to be ready."""
        with open(os.devnull, "rb") as devnull, open(self.log_path, "ab") as log:
            # A new session: Ctrl-C in the terminal reaches only us, and we stop the group.
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.cwd,
                env=self.env,
                stdin=devnull,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Terminate the whole process group; kill it if it outlives STOP_TIMEOUT."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=STOP_TIMEOUT)
                return
            except subprocess.TimeoutExpired:
                continue

    def output(self) -> str:
        """Everything the process has written so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.output().splitlines()[-lines:]) or "(no output)"


@dataclass(kw_only=True)
class ServerProcess(BackgroundProcess):
    """A local HTTP server: ``start`` returns once ``ready_path`` answers 200."""

    ready_path: str = "/"
    port: int = field(default_factory=free_port)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        """Start the server and block until ``ready_path`` answers 200 (bounded wait)."""
        self.launch()
        assert self.process is not None
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                status = self.process.returncode
                raise RuntimeError(f"{self.name}: server exited with {status}\n{self.log_tail()}")
            try:
                if get_status(self.port, self.ready_path, timeout=2.0) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(
            f"{self.name}: {self.ready_path} did not answer 200 within {READY_TIMEOUT:.0f}s\n"
            f"{self.log_tail()}"
        )


@dataclass(kw_only=True)
class GunicornServer(ServerProcess):
    """One gunicorn master and its sync workers serving ``app_spec``."""

    app_spec: str
    workers: int
    extra_args: tuple[str, ...] = ()

    def worker_rss_kb(self) -> dict[int, int]:
        """VmRSS (kB) of each worker: the children of the gunicorn master, read from /proc."""
        if self.process is None:
            return {}
        children = _children(self.process.pid)
        return {pid: rss for pid in children if (rss := _vm_rss_kb(pid)) is not None}

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            self.app_spec,
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{self.port}",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
            *self.extra_args,
        ]


def _vm_rss_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None  # the worker exited meanwhile
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def _children(parent: int) -> list[int]:
    """Pids whose parent is ``parent``, from the PPid field of /proc/<pid>/stat."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return sorted(found)
