"""Results table on stdout and the same figures as JSON under bench/out/."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.load import Measurement
from bench.pages import HELLO

OUT_DIR = Path(__file__).resolve().parent / "out"


def ratio_to_hello(measurement: Measurement, hello: Measurement) -> float:
    baseline = hello.requests_per_second
    return measurement.requests_per_second / baseline if baseline else 0.0


def format_header(meta: dict[str, Any]) -> str:
    wrk = meta["wrk"]
    gunicorn = meta["gunicorn"]
    database = meta["database"]
    sizes = ", ".join(f"{name}={value}" for name, value in meta["sizes"].items())
    rows = ", ".join(f"{name}={value}" for name, value in database["rows"].items()) or "none"
    return "\n".join(
        [
            "OpenPrize benchmark",
            f"  machine   nproc={meta['machine']['nproc']}, python {meta['machine']['python']}, "
            f"load average {meta['machine']['loadavg']}",
            f"  gunicorn  {gunicorn['workers']} {gunicorn['worker_class']} workers on 127.0.0.1",
            f"  wrk       {wrk['threads']} threads, {wrk['connections']} connections, "
            f"{wrk['duration']}s per run after a {wrk['warmup']}s warm-up, "
            f"median of {wrk['repeat']} run(s)",
            f"  database  {database['dialect']}: {database['url']}",
            f"  seeded    {sizes} (rows: {rows}) in {database['seed_seconds']:.1f}s",
        ]
    )


def format_table(measurements: Sequence[Measurement]) -> str:
    hello = next(m for m in measurements if m.name == HELLO)
    name_width = max([12, *(len(m.name) for m in measurements)])
    path_width = max([24, *(len(m.path) for m in measurements)])
    header = (
        f"{'page':<{name_width}} {'path':<{path_width}} "
        f"{'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs hello':>9}"
    )
    lines = [header, "-" * len(header)]
    for m in measurements:
        ratio = f"{ratio_to_hello(m, hello):.3f}x"
        lines.append(
            f"{m.name:<{name_width}} {m.path:<{path_width}} {m.requests_per_second:>9.0f} "
            f"{m.p50_ms:>8.2f} {m.p99_ms:>8.2f} {ratio:>9}"
        )
    for m in measurements:
        if m.errors:
            lines.append(
                f"WARNING: {m.name}: {m.errors} non-2xx/3xx responses or socket errors; "
                "its figures are not comparable."
            )
    return "\n".join(lines)


def results_document(meta: dict[str, Any], measurements: Sequence[Measurement]) -> dict[str, Any]:
    hello = next(m for m in measurements if m.name == HELLO)
    return {
        **meta,
        "results": [
            {
                "page": m.name,
                "path": m.path,
                "requests_per_second": round(m.requests_per_second, 2),
                "p50_ms": round(m.p50_ms, 3),
                "p99_ms": round(m.p99_ms, 3),
                "ratio_to_hello": round(ratio_to_hello(m, hello), 4),
                "errors": m.errors,
                "samples": [asdict(sample) for sample in m.samples],
            }
            for m in measurements
        ],
    }


def write_json(document: dict[str, Any], timestamp: str) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"results-{timestamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
