"""Two gunicorn instances and two ``flask jobs worker`` processes that share only PostgreSQL,
Redis, an S3-compatible server (moto) and an SMTP server (a sink in the test process)."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
import redis
import sqlalchemy as sa
from rq import Queue

from bench.job_workers import JobWorker, flask_command
from bench.servers import GunicornServer
from bench.smtp_sink import SmtpSink
from core.db import db
from core.jobs.models import Job, JobState
from tests.s3_support import REGION, s3_settings
from tests.servers import ROOT, gunicorn, production_env

QUEUE = "openprize-two-instances"
LEASE_SECONDS = 4  # JOBS_LEASE_SECONDS of the workers: a killed worker's job waits this long
SETTINGS = {
    "JOBS_BACKEND": "rq",
    "JOBS_QUEUE": QUEUE,
    "JOBS_LEASE_SECONDS": str(LEASE_SECONDS),
    "MAIL_BACKEND": "smtp",
    "SMTP_HOST": "127.0.0.1",
    # Many reset requests come from this one address; the per-account limit stays as shipped.
    "LOGIN_RATE_LIMIT_IP": "1000 per 10 minutes",
}


@dataclass
class Stack:
    a: GunicornServer
    b: GunicornServer
    workers: list[JobWorker]
    sink: SmtpSink
    env: dict[str, str]
    bucket: str
    s3_endpoint: str

    def revive(self) -> None:
        """Start again any worker a test killed, drop what an earlier test left on the queue
        (its rows are gone, and ids start again); the sink answers at once and forgets."""
        Queue(QUEUE, connection=redis.Redis.from_url(self.env["REDIS_URL"])).empty()
        dead = [worker for worker in self.workers if not worker.alive]
        for worker in dead:
            worker.launch()
        for worker in dead:
            worker.wait_listening()
        self.sink.hold_before_data = self.sink.hold_before_reply = 0.0
        self.sink.clear()

    def stored_keys(self) -> list[str]:
        """The storage keys of the objects in the bucket (under the storage prefix)."""
        s3 = boto3.client("s3", endpoint_url=self.s3_endpoint, region_name=REGION)
        found = s3.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return [item["Key"].rsplit("/", 1)[-1] for item in found]

    def cli(self, *args: str) -> str:
        """Run ``flask <args>`` with the instances' settings; its output."""
        done = subprocess.run(  # noqa: S603
            flask_command(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout


@contextmanager
def running_stack(
    workdir: Path, database_url: str, redis_url: str, s3_endpoint: str
) -> Iterator[Stack]:
    bucket = f"two-instances-{workdir.name[-12:].lower().replace('_', '-')}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION).create_bucket(Bucket=bucket)
    redis.Redis.from_url(redis_url).flushdb()
    with ExitStack() as stack:
        sink = stack.enter_context(SmtpSink())
        settings = {**SETTINGS, **s3_settings(s3_endpoint, bucket), "REDIS_URL": redis_url}
        env = production_env(database_url, workdir, SMTP_PORT=str(sink.port), **settings)
        servers = []
        for name in ("a", "b"):
            (workdir / name).mkdir()
            server = gunicorn(workdir / name, env)
            stack.callback(server.stop)
            servers.append(server)
        workers = []
        for name in ("worker-1", "worker-2"):
            worker = JobWorker(name=name, env=env, cwd=ROOT, log_path=workdir / f"{name}.log")
            stack.callback(worker.stop)
            workers.append(worker)
        for worker in workers:
            worker.launch()
        with ThreadPoolExecutor(2) as pool:  # the instances start side by side
            list(pool.map(GunicornServer.start, servers))
        for worker in workers:
            worker.wait_listening()
        yield Stack(servers[0], servers[1], workers, sink, env, bucket, s3_endpoint)


def mail_jobs(state: JobState | None = None) -> int:
    db.session.rollback()  # a fresh snapshot: the workers write from other processes
    query = sa.select(sa.func.count()).select_from(Job).where(Job.kind == "mail.send")
    if state is not None:
        query = query.where(Job.state == state)
    return int(db.session.scalar(query) or 0)


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting until {what}")
        time.sleep(0.1)


def performed_by(worker: JobWorker, since: int) -> int:
    """How many jobs ``worker`` took from the queue after its log had ``since`` characters."""
    return worker.output()[since:].count(f"{QUEUE}: core.jobs.worker.perform(")  # RQ's start line
