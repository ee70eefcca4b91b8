"""Run wrk against a URL and parse requests/s, latency percentiles and errors from --latency."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field

WRK_SLACK = 30.0  # seconds wrk may run past its duration before we give up on it

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class WrkSettings:
    threads: int
    connections: int
    duration: int
    timeout: int = 10


@dataclass(frozen=True)
class Sample:
    """One wrk run."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int


@dataclass
class Measurement:
    """Repeated samples of one target and their medians."""

    name: str
    path: str
    samples: list[Sample] = field(default_factory=list)
    cookie: str = ""  # the Cookie header of a signed-in page ("" when signed out)
    single_ms: list[float] = field(default_factory=list)  # sequential single requests

    @property
    def requests_per_second(self) -> float:
        return statistics.median(s.requests_per_second for s in self.samples)

    @property
    def p50_ms(self) -> float:
        return statistics.median(s.p50_ms for s in self.samples)

    @property
    def p99_ms(self) -> float:
        return statistics.median(s.p99_ms for s in self.samples)

    @property
    def single_p50_ms(self) -> float | None:
        return statistics.median(self.single_ms) if self.single_ms else None

    @property
    def errors(self) -> int:
        return sum(s.non_2xx_3xx + s.socket_errors for s in self.samples)


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    return path


def parse_wrk(output: str) -> Sample:
    """Read a Sample from wrk's text output (run with --latency)."""
    rps = _RPS.search(output)
    if rps is None:
        raise ValueError(f"no 'Requests/sec' in wrk output:\n{output}")
    percentiles = {int(p): float(v) * _UNITS[unit] for p, v, unit in _PERCENTILE.findall(output)}
    if 50 not in percentiles or 99 not in percentiles:
        raise ValueError(f"no latency distribution in wrk output (was --latency given?):\n{output}")
    total = _TOTAL.search(output)
    non_2xx = _NON_2XX.search(output)
    sockets = _SOCKET.search(output)
    return Sample(
        requests_per_second=float(rps.group(1)),
        p50_ms=percentiles[50],
        p99_ms=percentiles[99],
        requests=int(total.group(1)) if total else 0,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def run_wrk(
    url: str, settings: WrkSettings, duration: int | None = None, cookie: str = ""
) -> Sample:
    """Load ``url`` for ``duration`` seconds (default: the settings' duration), sending
    ``cookie`` as the Cookie header when given."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"refusing to load anything but 127.0.0.1: {url}")
    seconds = settings.duration if duration is None else duration
    command = [
        wrk_path(),
        "--threads",
        str(settings.threads),
        "--connections",
        str(settings.connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        f"{settings.timeout}s",
        "--latency",
        *(["--header", f"Cookie: {cookie}"] if cookie else []),
        url,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + WRK_SLACK, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse_wrk(result.stdout)
