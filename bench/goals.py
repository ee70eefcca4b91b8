"""Issue 11's goals, page by page, judged from the figures of one run at one or more scales."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.load import Measurement
from bench.pages import HELLO, Page

ANONYMOUS_RATIO = 0.20  # signed-out pages and API lists, against hello in the same run
SIGNED_IN_RATIO = 0.10  # pages loaded with a session cookie
MAX_LOSS = 0.10  # a list page's ratio may fall by less than this as the data grows
MAX_SINGLE_MS = 100.0  # median of sequential single requests at the largest scale
MAX_RSS_MB = 150.0  # each gunicorn worker of the app after the run


@dataclass
class ScaleRun:
    """What one scale measured: the targets (hello first) and each app worker's RSS."""

    scale: float
    measurements: list[Measurement]
    worker_rss_kb: dict[int, int] = field(default_factory=dict)

    def get(self, name: str) -> Measurement | None:
        return next((m for m in self.measurements if m.name == name), None)

    def ratio(self, name: str) -> float | None:
        hello, page = self.get(HELLO), self.get(name)
        if hello is None or page is None or not hello.requests_per_second:
            return None
        return page.requests_per_second / hello.requests_per_second

    @property
    def max_rss_mb(self) -> float:
        return max(self.worker_rss_kb.values(), default=0) / 1024


@dataclass(frozen=True)
class Verdict:
    """One page's figures against its goal; ``failed`` names the goals not met."""

    page: str
    path: str
    requests_per_second: float
    ratios: list[float | None]
    loss: float | None
    single_ms: float | None
    goal: str
    failed: list[str]

    @property
    def met(self) -> bool:
        return not self.failed


def loss(ratios: Sequence[float | None]) -> float | None:
    """How much of its ratio a page lost from the smallest to the largest scale (0.25 = 25 %)."""
    first, last = ratios[0], ratios[-1]
    if len(ratios) < 2 or first is None or last is None or not first:
        return None
    return 1 - last / first


def judge_page(page: Page, runs: Sequence[ScaleRun]) -> Verdict:
    """Hold ``page``'s figures (runs ordered by scale) against the goals that apply to it."""
    floor = SIGNED_IN_RATIO if page.signed_in_as is not None else ANONYMOUS_RATIO
    ratios = [run.ratio(page.name) for run in runs]
    first, last = runs[0].get(page.name), runs[-1].get(page.name)
    assert first is not None and last is not None
    lost = loss(ratios)
    single = last.single_p50_ms
    goal = [f">={floor:.2f}x"]
    failed = []
    if any(r is None or r < floor for r in ratios):
        failed.append("ratio")
    if page.list_page:
        goal.append(f"loss<{MAX_LOSS:.0%}")
        if lost is not None and lost >= MAX_LOSS:
            failed.append("loss")
    goal.append(f"<{MAX_SINGLE_MS:.0f}ms")
    if single is None or single >= MAX_SINGLE_MS:
        failed.append("single")
    if last.errors or first.errors:
        failed.append("errors")
    return Verdict(
        page=page.name,
        path=first.path,
        requests_per_second=first.requests_per_second,
        ratios=ratios,
        loss=lost,
        single_ms=single,
        goal=", ".join(goal),
        failed=failed,
    )


def judge_pages(pages: Sequence[Page], runs: Sequence[ScaleRun]) -> list[Verdict]:
    return [judge_page(page, runs) for page in pages]


def _cell(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_goal_table(verdicts: Sequence[Verdict], runs: Sequence[ScaleRun]) -> str:
    """Issue 11's table: one row per page, the ratio at every scale, and whether it meets its
    goal; then the workers' memory against its goal."""
    scales = [f"{run.scale:g}x" for run in runs]
    name_width = max([12, *(len(v.page) for v in verdicts)])
    path_width = max([24, *(len(v.path) for v in verdicts)])
    header = (
        f"{'page':<{name_width}} {'path':<{path_width}} {'req/s@' + scales[0]:>11} "
        + " ".join(f"{'ratio@' + s:>10}" for s in scales)
        + f" {'loss %':>7} {'1 req ms@' + scales[-1]:>13} {'goal':<26} met?"
    )
    lines = [header, "-" * len(header)]
    for v in verdicts:
        lines.append(
            f"{v.page:<{name_width}} {v.path:<{path_width}} {v.requests_per_second:>11.0f} "
            + " ".join(f"{_cell(r, '.3f'):>10}" for r in v.ratios)
            + f" {_cell(None if v.loss is None else 100 * v.loss, '.1f'):>7}"
            f" {_cell(v.single_ms, '.1f'):>13} {v.goal:<26} "
            + ("met" if v.met else f"NOT met ({', '.join(v.failed)})")
        )
    met = sum(v.met for v in verdicts)
    lines.append(f"{met} of {len(verdicts)} pages meet their goal.")
    for run in runs:
        each = ", ".join(f"{kb / 1024:.0f}" for kb in run.worker_rss_kb.values()) or "-"
        verdict = "met" if run.worker_rss_kb and run.max_rss_mb < MAX_RSS_MB else "NOT met"
        lines.append(
            f"gunicorn worker RSS after the run at {run.scale:g}x: max {run.max_rss_mb:.0f} MB "
            f"(each: {each} MB); goal < {MAX_RSS_MB:.0f} MB: {verdict}"
        )
    return "\n".join(lines)
