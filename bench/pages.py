"""Pages the benchmark loads: add one line to PAGES to measure a new page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

# A path is fixed, or computed from the seeded database (e.g. the slug of a busy challenge).
PathSource = str | Callable[[Session], str]

HELLO = "hello"


@dataclass(frozen=True)
class Page:
    name: str
    path: PathSource

    def resolve(self, session: Session) -> str:
        path = self.path if isinstance(self.path, str) else self.path(session)
        if not path.startswith("/"):
            raise ValueError(f"page {self.name!r}: path {path!r} must start with '/'")
        return path


PAGES: list[Page] = [
    Page("home", "/"),
    Page("login", "/login"),
    Page("healthz", "/healthz"),
]


def select_pages(names: Sequence[str] | None) -> list[Page]:
    """The pages named (in that order), or all of them when ``names`` is empty."""
    if not names:
        return list(PAGES)
    by_name = {page.name: page for page in PAGES}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(by_name)
        raise ValueError(f"unknown page(s) {', '.join(unknown)}; known pages: {known}")
    return [by_name[name] for name in dict.fromkeys(names)]
