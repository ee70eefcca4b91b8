"""A browser's steps against the served app: sign in through the real form, check a page,
time sequential single requests."""

from __future__ import annotations

import html
import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from bench.servers import Response, http_request

_CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SINGLE_REQUESTS = 30
SETTLED_MS = 100.0  # a burst of cheap requests answered within this: nothing queued ahead
SETTLE_TIMEOUT = 120.0


def _merge(cookies: dict[str, str], response: Response) -> None:
    for pair in response.set_cookies():
        name, _, value = pair.partition("=")
        cookies[name.strip()] = value


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sign_in(port: int, email: str, password: str) -> str:
    """GET /login, post the form with its CSRF token as a browser would, and return the Cookie
    header of the signed-in session. Raises RuntimeError when the sign-in is refused."""
    cookies: dict[str, str] = {}
    form = http_request(port, "/login")
    _merge(cookies, form)
    token = _CSRF.search(form.body)
    if form.status != 200 or token is None:
        raise RuntimeError(f"GET /login answered {form.status} without a CSRF token")
    body = urlencode(
        {
            "csrf_token": html.unescape((token.group(1) or token.group(2)).decode()),
            "email": email,
            "password": password,
        }
    ).encode()
    posted = http_request(
        port,
        "/login",
        method="POST",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
        },
    )
    _merge(cookies, posted)
    if posted.status not in (302, 303) or "/login" in posted.header("Location"):
        raise RuntimeError(f"signing in as {email} answered {posted.status}, not a redirect")
    return cookie_header(cookies)


def refusal(path: str, response: Response, signed_in: bool = False) -> str | None:
    """Why ``response`` to a GET of ``path`` must not be measured, or None when it is a page
    (200). A redirect is refused too: wrk would time the 302, not the page it leads to."""
    if response.status == 200:
        return None
    location = response.header("Location")
    if signed_in and "/login" in location:
        return f"GET {path} sent the signed-in visitor to {location}"
    where = f" (to {location})" if location else ""
    return f"GET {path} answered {response.status}{where}, not 200: nothing to measure"


def check_page(port: int, path: str, cookie: str = "") -> str | None:
    """Why one GET of ``path`` makes a meaningless row (any status but 200, such as a redirect
    or a signed-in page sending the visitor to the sign-in form), or None when it answers."""
    response = http_request(port, path, headers={"Cookie": cookie} if cookie else None)
    return refusal(path, response, signed_in=bool(cookie))


def single_request_ms(
    port: int, path: str, cookie: str = "", count: int = SINGLE_REQUESTS
) -> list[float]:
    """Wall time (ms) of ``count`` sequential GETs, one connection each: what one visitor on an
    idle server waits for. Raises RuntimeError when one answers anything but 200."""
    headers = {"Cookie": cookie} if cookie else None
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        response = http_request(port, path, headers=headers, timeout=30.0)
        timings.append((time.perf_counter() - started) * 1000)
        problem = refusal(path, response, signed_in=bool(cookie))
        if problem is not None:  # the page changed under load: its figures are not the page's
            raise RuntimeError(problem)
    return timings


def settle(port: int, path: str, workers: int) -> float:
    """Wait until the server has worked off what a wrk run left queued: wrk stops at its
    deadline, but sync workers still serve every request already sent, and a slow page's
    backlog would count against the next target. Sends ``workers`` concurrent GETs of a cheap
    ``path`` (queued behind any backlog) until such a burst answers within SETTLED_MS; returns
    the seconds waited."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while time.perf_counter() - started < SETTLE_TIMEOUT:
            burst = time.perf_counter()
            list(pool.map(lambda _: http_request(port, path, timeout=60.0), range(workers)))
            if (time.perf_counter() - burst) * 1000 < SETTLED_MS:
                break
    return time.perf_counter() - started
