"""robots.txt, the sitemap and the pages' description meta tags, as a search engine reads them."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

import core.sitemap
from core.db import db, utcnow
from tests.entries_support import add_entry
from tests.factories import make_challenge, make_org, make_user

NS = {"s": core.sitemap.SITEMAP_NS}


def _locs(client: FlaskClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/xml"
    return [loc.text or "" for loc in ET.fromstring(response.data).iterfind(".//s:loc", NS)]


def _all_page_urls(client: FlaskClient) -> list[str]:
    urls = []
    for part in _locs(client, "/sitemap.xml"):
        urls += _locs(client, part.removeprefix("http://localhost"))
    return urls


def test_robots_keeps_crawlers_off_private_pages_and_names_the_sitemap(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    for private in ("/admin", "/account", "/api/", "/challenges/*/manage"):
        assert f"Disallow: {private}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Set-Cookie" not in response.headers


def test_the_sitemap_lists_only_what_a_signed_out_visitor_may_read(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    make_org("Dormant", owner=make_user("dormant_owner"), slug="dormant")  # nothing published
    open_now = make_challenge(org, slug="open-now", visibility="public_on_submit")
    hidden = make_challenge(org, slug="sponsor-only", visibility="sponsor_only")
    later = make_challenge(org, slug="after-close", visibility="public_after_close")
    make_challenge(org, slug="still-a-draft", published=False)
    shown = add_entry(open_now, "solver", "Sand battery")
    secret = add_entry(hidden, "solver2", "Secret design")
    unawarded = add_entry(later, "solver3", "Flywheel")

    urls = _all_page_urls(client)

    assert "http://localhost/challenges/open-now" in urls
    assert "http://localhost/challenges/sponsor-only" in urls  # the challenge is public
    assert "http://localhost/challenges/still-a-draft" not in urls
    assert "http://localhost/orgs/helios" in urls
    assert "http://localhost/orgs/dormant" not in urls
    assert f"http://localhost/submissions/{shown.id}" in urls
    assert f"http://localhost/submissions/{secret.id}" not in urls
    assert f"http://localhost/submissions/{unawarded.id}" not in urls
    assert "http://localhost/challenges/after-close/results" not in urls
    for listed in ("/", "/challenges", "/solutions", "/winners", "/impact", "/impact/diversity"):
        assert f"http://localhost{listed}" in urls
    # Each listed page really is readable by the public.
    for url in urls:
        assert client.get(url.removeprefix("http://localhost")).status_code == 200, url


def test_awarding_publishes_the_results_and_after_close_entries(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    challenge = make_challenge(org, slug="after-close", visibility="public_after_close")
    entry = add_entry(challenge, "solver", "Flywheel")
    challenge.awarded_at = utcnow() + timedelta(seconds=1)
    db.session.commit()

    urls = _all_page_urls(client)

    assert f"http://localhost/submissions/{entry.id}" in urls
    assert "http://localhost/challenges/after-close/results" in urls


def test_withdrawn_entries_leave_the_sitemap(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    challenge = make_challenge(org, slug="open-now", visibility="public_on_submit")
    entry = add_entry(challenge, "solver", "Sand battery")
    entry.status = "withdrawn"
    db.session.commit()

    assert f"http://localhost/submissions/{entry.id}" not in _all_page_urls(client)


def test_each_sitemap_file_covers_one_id_range(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.sitemap, "IDS_PER_FILE", 2)
    org = make_org("Helios", owner=make_user("owner"), slug="helios")
    slugs = [make_challenge(org, slug=f"c{n}").slug for n in range(5)]

    files = [u for u in _locs(client, "/sitemap.xml") if "/challenges-" in u]
    assert len(files) == 3  # ids 0-1, 2-3, 4-5
    listed = [
        url.rsplit("/", 1)[1]
        for part in files
        for url in _locs(client, part.removeprefix("http://localhost"))
        if "/challenges/" in url
    ]
    assert listed == slugs  # each once, in id order
    assert client.get("/sitemaps/challenges-4.xml").status_code == 404
    assert client.get("/sitemaps/unknown-1.xml").status_code == 404


def test_public_pages_describe_themselves_to_link_previews(client: FlaskClient) -> None:
    org = make_org("Helios Energy", owner=make_user("owner"), slug="helios")
    challenge = make_challenge(
        org,
        slug="grid",
        title="Grid <Storage>",
        summary="Store a day of sun.",
        tiers=[("First", 500_000)],
    )
    page = client.get(f"/challenges/{challenge.slug}?utm_source=x").get_data(as_text=True)

    assert '<meta property="og:title" content="Grid &lt;Storage&gt;">' in page
    assert (
        '<meta name="description" content="Store a day of sun. Prize purse $5,000, sponsored by '
        'Helios Energy.">' in page
    )
    assert '<link rel="canonical" href="http://localhost/challenges/grid">' in page
    assert '<meta property="og:type" content="article">' in page
