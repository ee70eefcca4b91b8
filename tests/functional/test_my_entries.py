"""A person's own entries: the account page shows the newest ten and links to all of them,
which page by page (the account page used to list every entry, however many)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from core.db import db, utcnow
from submissions import my_entries
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user
from tests.gallery_support import submit


def _entries(count: int) -> list[str]:
    """``count`` entries of one solver, "Entry 0".. made a minute apart; titles newest first."""
    solver = make_user("solver", email="solver@example.org")
    org = make_org("Helios", owner=make_user("sponsorowner"), slug="helios")
    start = utcnow() - timedelta(days=1)
    for n in range(count):
        challenge = make_challenge(org, slug=f"grid-{n}", title=f"Grid {n}")
        entry = submit(challenge, solver, title=f"Entry {n}")
        entry.created_at = start + timedelta(minutes=n)
    db.session.commit()
    return [f"Entry {n}" for n in reversed(range(count))]


def _titles(html: str) -> list[str]:
    return re.findall(r">(Entry \d+)</a>", html)


def test_the_account_page_shows_the_ten_newest_and_links_to_all(
    client: FlaskClient, auth: AuthActions
) -> None:
    newest_first = _entries(12)
    auth.login("solver@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert _titles(page) == newest_first[:10]
    assert 'href="/account/submissions">See all 12 entries</a>' in page


def test_a_few_entries_are_all_on_the_account_page_with_no_link(
    client: FlaskClient, auth: AuthActions
) -> None:
    newest_first = _entries(3)
    auth.login("solver@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert _titles(page) == newest_first
    assert "See all" not in page


def test_every_entry_page_by_page_newest_first(
    client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(my_entries, "PER_PAGE", 5)
    newest_first = _entries(12)
    auth.login("solver@example.org")
    pages = [client.get(f"/account/submissions?page={n}") for n in (1, 2, 3)]
    assert all(page.status_code == 200 for page in pages)
    seen = [title for page in pages for title in _titles(page.get_data(as_text=True))]
    assert seen == newest_first
    assert "12 entries, owned or shared, newest first." in pages[0].get_data(as_text=True)
    past_end = client.get("/account/submissions?page=9")
    assert past_end.status_code == 302 and past_end.headers["Location"].endswith("page=3")


def test_the_list_is_for_its_owner_signed_in(client: FlaskClient, auth: AuthActions) -> None:
    _entries(2)
    assert client.get("/account/submissions").status_code == 302  # to sign in
    make_user("other", email="other@example.org")
    auth.login("other@example.org")
    page = client.get("/account/submissions").get_data(as_text=True)
    assert _titles(page) == [] and "No entries yet." in page
