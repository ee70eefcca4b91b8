"""``flask jobs worker`` processes (RQ on Redis) for the queue bench and the two-instance test:
start, wait until they listen, kill one as a crash would, stop."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.servers import READY_TIMEOUT, STOP_TIMEOUT, BackgroundProcess, server_env

LISTENING = "Listening on"  # RQ's log line once the worker reads its queue
BENCH_REDIS = "redis://127.0.0.1:6379/5"
BENCH_QUEUE = "openprize-bench"


def add_service_options(parser: argparse.ArgumentParser, database: str) -> None:
    """``--database-url`` (default: the PostgreSQL database ``database`` on 127.0.0.1) and
    ``--redis-url``: both are emptied."""
    parser.add_argument(
        "--database-url",
        default=f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        help="a throwaway PostgreSQL database (its schema is dropped)",
    )
    parser.add_argument("--redis-url", default=BENCH_REDIS, help="its database is flushed")


def jobs_env(
    database_url: str, workdir: Path, redis_url: str, backend: str = "rq", **settings: str
) -> dict[str, str]:
    """The servers' environment with jobs on ``backend`` (Redis only for ``rq``)."""
    return {
        **server_env(database_url, workdir),
        "JOBS_BACKEND": backend,
        "JOBS_QUEUE": BENCH_QUEUE,
        "REDIS_URL": redis_url if backend == "rq" else "",
        "LOG_LEVEL": "WARNING",
        **settings,
    }


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "app", *args]


@dataclass(kw_only=True)
class JobWorker(BackgroundProcess):
    """One ``flask jobs worker`` (RQ's SimpleWorker: the jobs run in this very process, no fork)."""

    _log_mark: int = 0  # the log's length at launch: a restart waits for its own line

    def command(self) -> list[str]:
        return flask_command("jobs", "worker")

    def launch(self) -> None:
        self._log_mark = len(self.output())
        self.env = {**self.env, "LOG_LEVEL": "INFO"}  # RQ logs each job it takes
        super().launch()

    def wait_listening(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while LISTENING not in self.output()[self._log_mark :]:
            if not self.alive:
                raise RuntimeError(f"{self.name} exited\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} is not listening\n{self.log_tail()}")
            time.sleep(0.1)

    def start(self) -> None:
        self.launch()
        self.wait_listening()

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no cleanup, the job it runs is lost."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT)
