"""robots.txt and the sitemap: each domain registers the public pages it owns.

A source names a kind of page, the highest id it might list and a function giving the
public addresses among ids ``[low, high)``. ``/sitemap.xml`` is a sitemap index with one
file per source and id range, so every file costs one indexed range query, whatever the
data size, and none passes the protocol's 50,000 addresses. Only pages the public
(a signed-out visitor) may read are listed: the sources apply the same visibility rules
as the pages, so a sponsor-only entry or an unpublished challenge never appears.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, abort, current_app, url_for
from flask.typing import ResponseReturnValue

from core.db import db
from core.timefmt import iso_utc
from core.urls import external_url

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
IDS_PER_FILE = 10_000
# Pages nobody should find through a search engine: personal, administrative or for a form.
DISALLOWED = (
    "/account",
    "/admin",
    "/api/",
    "/jobs/",
    "/judging",
    "/payments/",
    "/preview/",
    "/invitations/",
    "/team-invites/",
    "/password/",
    "/verify/",
    "/challenges/*/manage",
    "/challenges/*/judging",
    "/challenges/*/ledger",
    "/challenges/*/edit",
    "/challenges/*/enter",
    "/challenges/*/fund",
)


@dataclass(frozen=True)
class Url:
    """One public address (absolute) and when its page last changed, if known."""

    loc: str
    lastmod: datetime | None = None


@dataclass(frozen=True)
class Source:
    name: str
    max_id: Callable[[], int]  # the highest id the source might list (0 when none)
    urls: Callable[[int, int], Iterable[Url]]  # public pages among ids [low, high)


bp = Blueprint("sitemap", __name__)


def register_source(
    app: Flask,
    name: str,
    max_id: Callable[[], int],
    urls: Callable[[int, int], Iterable[Url]],
) -> None:
    sources: dict[str, Source] = app.extensions.setdefault("sitemap_sources", {})
    if name in sources:
        raise RuntimeError(f"The sitemap already has a source named {name!r}.")
    sources[name] = Source(name, max_id, urls)


def highest_id(column: sa.ColumnElement[int]) -> int:
    """The largest value of an id column, 0 for an empty table: a source's ``max_id``."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(column), 0))) or 0


def _sources() -> dict[str, Source]:
    sources: dict[str, Source] = current_app.extensions.get("sitemap_sources", {})
    return sources


def _xml(root: ET.Element) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> ResponseReturnValue:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {external_url('sitemap.index')}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


@bp.get("/sitemap.xml")
def index() -> ResponseReturnValue:
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}sitemapindex")
    for source in _sources().values():
        files = source.max_id() // IDS_PER_FILE + 1
        for number in range(1, files + 1):
            entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}sitemap")
            loc = url_for("sitemap.part", name=source.name, number=number, _external=True)
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = loc
    return _xml(root)


@bp.get("/sitemaps/<name>-<int:number>.xml")
def part(name: str, number: int) -> ResponseReturnValue:
    source = _sources().get(name)
    if source is None or number < 1 or number > source.max_id() // IDS_PER_FILE + 1:
        abort(404)
    low = (number - 1) * IDS_PER_FILE
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for url in source.urls(low, low + IDS_PER_FILE):
        entry = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = url.loc
        if url.lastmod is not None:
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = iso_utc(url.lastmod)
    return _xml(root)
