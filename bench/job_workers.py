"""``flask jobs worker`` processes (RQ on Redis) for the queue bench and the two-instance test:
start, wait until they listen, kill one as a crash would, stop."""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass

from bench.servers import READY_TIMEOUT, STOP_TIMEOUT, BackgroundProcess

LISTENING = "Listening on"  # RQ's log line once the worker reads its queue


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
