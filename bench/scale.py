"""One scale of the benchmark on a seeded database: serve the app and hello under gunicorn,
sign in the signed-in pages, load every page with wrk, time single requests, read worker RSS."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bench.client import check_page, settle, sign_in, single_request_ms
from bench.goals import ScaleRun
from bench.load import Measurement, WrkSettings, run_wrk
from bench.pages import HELLO, Page
from bench.seed_base import BENCH_PASSWORD
from bench.servers import GunicornServer, server_env

ROOT = Path(__file__).resolve().parent.parent
Target = tuple[GunicornServer, Measurement]


@dataclass(frozen=True)
class Load:
    """How hard and how long every target is loaded."""

    wrk: WrkSettings
    warmup: int
    repeat: int
    workers: int


def check_targets(targets: list[Target]) -> None:
    """One GET per target (with its cookie) before loading it: a page that errors, or a
    signed-in page that sends to /login, would make a meaningless row."""
    for server, measurement in targets:
        problem = check_page(server.port, measurement.path, measurement.cookie)
        if problem is not None:
            raise RuntimeError(f"{measurement.name}: {problem}\n{server.log_tail()}")


def measure(targets: list[Target], load: Load) -> None:
    """Interleave the targets in each round, so drift in machine load hits all of them alike."""
    for round_number in range(1, load.repeat + 1):
        for server, measurement in targets:
            url = server.base_url + measurement.path
            if load.warmup:
                run_wrk(url, load.wrk, duration=load.warmup, cookie=measurement.cookie)
                settle(server.port, server.ready_path, load.workers)
            sample = run_wrk(url, load.wrk, cookie=measurement.cookie)
            measurement.samples.append(sample)
            settle(server.port, server.ready_path, load.workers)
            print(
                f"  round {round_number}/{load.repeat}  {measurement.name:<18} "
                f"{sample.requests_per_second:>9.0f} req/s  p50 {sample.p50_ms:.2f} ms  "
                f"p99 {sample.p99_ms:.2f} ms",
                flush=True,
            )


def time_single_requests(targets: list[Target]) -> None:
    """After the load: sequential GETs of each target, one at a time, for its single-request
    latency."""
    for server, measurement in targets:
        measurement.single_ms = single_request_ms(server.port, measurement.path, measurement.cookie)


def run_scale(
    scale: float,
    url: str,
    pages: list[Page],
    resolved: dict[str, tuple[str, str | None]],
    load: Load,
    workdir: Path,
) -> ScaleRun:
    """Serve the seeded database, measure every page against hello, and stop the servers;
    ``resolved`` maps each page to its path and the e-mail it signs in with (or None)."""
    env = server_env(url, workdir)
    label = f"{scale:g}x"
    app_server = GunicornServer(
        name="openprize",
        app_spec="app:create_app()",
        workers=load.workers,
        env=env,
        cwd=ROOT,
        log_path=workdir / f"app-{label}.log",
        ready_path="/healthz",
    )
    hello_server = GunicornServer(
        name=HELLO,
        app_spec="bench.hello_app:create_app()",
        workers=load.workers,
        env=env,
        cwd=ROOT,
        log_path=workdir / f"hello-{label}.log",
    )
    servers: list[GunicornServer] = []
    try:
        for server in (hello_server, app_server):
            servers.append(server)
            server.start()
        targets: list[Target] = [(hello_server, Measurement(HELLO, "/"))]
        for page in pages:
            path, email = resolved[page.name]
            cookie = sign_in(app_server.port, email, BENCH_PASSWORD) if email else ""
            targets.append((app_server, Measurement(page.name, path, cookie=cookie)))
        check_targets(targets)
        measure(targets, load)
        time_single_requests(targets)
        rss = app_server.worker_rss_kb()
    finally:
        for server in servers:
            server.stop()
    return ScaleRun(scale, [measurement for _, measurement in targets], rss)
