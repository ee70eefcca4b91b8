"""How long the sponsor waits for "Approve winners": the request time of
``POST /challenges/<slug>/judging/results/<id>/approve`` with the payouts deferred to the job
queue (``JOBS_BACKEND=rq``) against paid inside the request (``inline``), through the Stripe
simulator, on PostgreSQL, under gunicorn.

The world (the judged, funded "grid" challenge of the tests, four three-person teams with
ready Stripe accounts, results computed) is built once in a template database; each run
serves a copy of it and of the simulator's store, signs in as the sponsor, and times the one
approval. See bench/README.md, *Queue and approval*.
"""

from __future__ import annotations

import argparse
import html
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.client import sign_in  # noqa: E402
from bench.job_workers import JobWorker, add_service_options, jobs_env  # noqa: E402
from bench.run import ensure_database  # noqa: E402
from bench.servers import GunicornServer, http_request  # noqa: E402

# The builder's own jobs run as it goes, and no scheduler thread holds on to the template.
INLINE = {"JOBS_BACKEND": "inline", "JOBS_SCHEDULER_THREAD": False}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_service_options(parser, "openprize_bench_approval")
    parser.add_argument("--repeat", type=int, default=5, help="approvals per backend")
    return parser.parse_args(argv)


def build_world(url: str, store: Path) -> dict[str, Any]:
    """The tests' judged and funded challenge, each entry a team of three whose members can
    receive transfers, results computed: what the approval form needs."""
    from app import create_app
    from bench.seed import reset_schema
    from core.db import db
    from judging.results.awards import default_picks
    from judging.results.compute import compute_results
    from tests.functional.payouts_helpers import judged_and_funded, onboard, three_person_team

    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-approval",
        "LOG_LEVEL": "WARNING",
    }
    simulated = {"PAYMENTS_SIMULATED": True, "STRIPE_SECRET_KEY": ""}
    app = create_app({**settings, **simulated, "STRIPE_SIMULATOR_STORE": str(store), **INLINE})
    with app.app_context():
        reset_schema()
        example, _ = judged_and_funded()
        for entry in example.entries:
            for user_id in three_person_team(example, entry):
                onboard(user_id)
        owner = example.world.owner
        snapshot = compute_results(actor=owner, challenge=example.challenge)
        picks = {f"tier_{tier}": str(entry) for tier, entry in default_picks(snapshot).items()}
        world = {"email": owner.email, "slug": example.challenge.slug, "snapshot": snapshot.id}
        db.session.remove()
        db.engine.dispose()
    return {**world, "picks": picks}


def copy_database(url: str, template: str, name: str) -> str:
    """A fresh database ``name`` made from ``template`` (PostgreSQL copies it file by file)."""
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def copy_store(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def paid_payouts(engine: sa.Engine) -> tuple[int, int]:
    """(paid, all) payouts in the run's database."""
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT status FROM payouts")).scalars().all()
    return sum(1 for status in rows if status == "paid"), len(rows)


def approve(port: int, world: dict[str, Any]) -> tuple[float, float]:
    """Sign in, open the review page, and post the approval: when it was sent
    (``time.perf_counter``) and how many seconds it took."""
    from tests.factories import PASSWORD

    cookie = sign_in(port, world["email"], PASSWORD)
    path = f"/challenges/{world['slug']}/judging/results/{world['snapshot']}"
    page = http_request(port, path, headers={"Cookie": cookie})
    token = CSRF.search(page.body.decode())
    assert page.status == 200 and token, f"GET {path}: {page.status}"
    form = {**world["picks"], "reason": "", "approve": "Approve winners"}
    body = urlencode({**form, "csrf_token": html.unescape(token.group(1))}).encode()
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    started = time.perf_counter()
    answer = http_request(
        port, f"{path}/approve", method="POST", body=body, headers=headers, timeout=60
    )
    seconds = time.perf_counter() - started
    assert answer.status == 302, f"approve answered {answer.status}: {answer.body[:300]!r}"
    return started, seconds


def one_run(
    args: argparse.Namespace, world: dict[str, Any], backend: str, n: int, workdir: Path
) -> dict[str, float]:
    url = copy_database(args.database_url, world["template"], f"{world['template']}_run")
    store = workdir / f"store-{backend}-{n}.sqlite3"
    copy_store(world["store"], store)
    env = jobs_env(
        url, workdir, args.redis_url, backend, STRIPE_SIMULATOR_STORE=str(store), MAIL_BACKEND="log"
    )
    server = GunicornServer(
        name=f"gunicorn-{backend}",
        app_spec="app:create_app()",
        workers=1,
        env=env,
        cwd=ROOT,
        log_path=workdir / f"gunicorn-{backend}-{n}.log",
        ready_path="/healthz",
    )
    worker = JobWorker(name="worker", env=env, cwd=ROOT, log_path=workdir / f"worker-{n}.log")
    engine = sa.create_engine(url)
    try:
        server.start()
        if backend == "rq":
            redis.Redis.from_url(args.redis_url).flushdb()
            worker.start()
        started, seconds = approve(server.port, world)
        paid_at_answer, total = paid_payouts(engine)
        while paid_payouts(engine)[0] < total:
            if time.perf_counter() - started > 60:
                raise RuntimeError(f"{backend}: payouts not paid within 60 s")
            time.sleep(0.05)
        return {
            "request_ms": seconds * 1000,
            "paid_ms": (time.perf_counter() - started) * 1000,
            "paid_at_answer": paid_at_answer,
            "payouts": total,
        }
    finally:
        engine.dispose()
        worker.stop()
        server.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_database(args.database_url)
    results: dict[str, list[dict[str, float]]] = {"rq": [], "inline": []}
    with tempfile.TemporaryDirectory(prefix="bench-approval-") as tmp:
        workdir = Path(tmp)
        store = workdir / "store.sqlite3"
        world = build_world(args.database_url, store)
        world["template"] = sa.engine.make_url(args.database_url).database
        world["store"] = store
        for n in range(args.repeat):  # interleaved: machine load drifts alike for both
            for backend in results:
                results[backend].append(one_run(args, world, backend, n, workdir))
    print(f"Approve winners: {args.repeat} runs per backend, Stripe simulator in-process")
    print(f"{'backend':>8} {'request ms':>11} {'runs (ms)':>28} {'all paid ms':>12} {'paid':>9}")
    for backend, runs in results.items():
        times = [run["request_ms"] for run in runs]
        shown = ", ".join(f"{t:.0f}" for t in times)
        paid = statistics.median(run["paid_ms"] for run in runs)
        at_answer = f"{int(runs[0]['paid_at_answer'])}/{int(runs[0]['payouts'])}"
        median = statistics.median(times)
        print(f"{backend:>8} {median:>11.0f} {shown:>28} {paid:>12.0f} {at_answer:>9}")
    print("request ms: median; all paid ms: from the request until every payout is paid;")
    print("paid: payouts already paid when the approval answered.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
