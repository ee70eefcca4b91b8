"""Results table on stdout and the same figures as JSON under bench/out/."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.goals import ScaleRun, Verdict

OUT_DIR = Path(__file__).resolve().parent / "out"


def format_seeding(info: dict[str, Any]) -> str:
    """Seconds per seeder and in all (schema from the migrations, seeders, commit, ANALYZE)."""
    lines = [f"Seeded {info['scale']:g}x in {info['seed_seconds']:.1f}s:"]
    lines += [f"  {name:<24} {seconds:>8.1f}s" for name, seconds in info["seeders"].items()]
    return "\n".join(lines)


def format_header(meta: dict[str, Any], info: dict[str, Any]) -> str:
    wrk = meta["wrk"]
    gunicorn = meta["gunicorn"]
    database = meta["database"]
    sizes = ", ".join(f"{name}={value}" for name, value in info["sizes"].items())
    rows = ", ".join(f"{name}={value}" for name, value in info["rows"].items()) or "none"
    return "\n".join(
        [
            f"OpenPrize benchmark at {info['scale']:g}x",
            f"  machine   nproc={meta['machine']['nproc']}, python {meta['machine']['python']}, "
            f"load average {meta['machine']['loadavg']}",
            f"  gunicorn  {gunicorn['workers']} {gunicorn['worker_class']} workers on 127.0.0.1",
            f"  wrk       {wrk['threads']} threads, {wrk['connections']} connections, "
            f"{wrk['duration']}s per run after a {wrk['warmup']}s warm-up, "
            f"median of {wrk['repeat']} run(s)",
            f"  database  {database['dialect']}: {database['url']}",
            f"  seeded    {sizes} (rows: {rows}) in {info['seed_seconds']:.1f}s",
        ]
    )


def format_table(run: ScaleRun) -> str:
    """The figures of one scale, every target including hello."""
    measurements = run.measurements
    name_width = max([12, *(len(m.name) for m in measurements)])
    path_width = max([24, *(len(m.path) for m in measurements)])
    header = (
        f"{'page':<{name_width}} {'path':<{path_width}} "
        f"{'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs hello':>9} {'1 req ms':>9}"
    )
    lines = [header, "-" * len(header)]
    for m in measurements:
        ratio = f"{run.ratio(m.name) or 0:.3f}x"
        single = "-" if m.single_p50_ms is None else f"{m.single_p50_ms:.1f}"
        lines.append(
            f"{m.name:<{name_width}} {m.path:<{path_width}} {m.requests_per_second:>9.0f} "
            f"{m.p50_ms:>8.2f} {m.p99_ms:>8.2f} {ratio:>9} {single:>9}"
        )
    for m in measurements:
        if m.errors:
            lines.append(
                f"WARNING: {m.name}: {m.errors} non-2xx/3xx responses or socket errors; "
                "its figures are not comparable."
            )
        if any(not sample.requests for sample in m.samples):
            lines.append(
                f"WARNING: {m.name}: a run completed no request (the page is slower than "
                "--duration under load); its req/s counts as 0."
            )
    return "\n".join(lines)


def _results(run: ScaleRun) -> list[dict[str, Any]]:
    return [
        {
            "page": m.name,
            "path": m.path,
            "signed_in": bool(m.cookie),
            "requests_per_second": round(m.requests_per_second, 2),
            "p50_ms": round(m.p50_ms, 3),
            "p99_ms": round(m.p99_ms, 3),
            "ratio_to_hello": round(run.ratio(m.name) or 0, 4),
            "single_request_p50_ms": None if m.single_p50_ms is None else round(m.single_p50_ms, 3),
            "single_request_ms": [round(ms, 3) for ms in m.single_ms],
            "errors": m.errors,
            "samples": [asdict(sample) for sample in m.samples],
        }
        for m in run.measurements
    ]


def results_document(
    meta: dict[str, Any],
    scales: Sequence[dict[str, Any]],
    runs: Sequence[ScaleRun],
    verdicts: Sequence[Verdict],
) -> dict[str, Any]:
    return {
        **meta,
        "scales": [
            {
                **info,
                "worker_rss_kb": {str(pid): kb for pid, kb in run.worker_rss_kb.items()},
                "results": _results(run),
            }
            for info, run in zip(scales, runs, strict=True)
        ],
        "goals": [asdict(verdict) | {"met": verdict.met} for verdict in verdicts],
    }


def write_json(document: dict[str, Any], timestamp: str) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"results-{timestamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
