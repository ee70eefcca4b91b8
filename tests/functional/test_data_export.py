"""Download my data: the ZIP's contents (only the person's own data), who may download it,
one job at a time, the progress page."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db, utcnow
from core.jobs import Job
from core.storage import storage
from judging.voting.models import Vote
from payments.payouts.models import Payout, PayoutStatus
from submissions import services as entries
from submissions.models import Attachment, Submission
from tests.conftest import AuthActions
from tests.factories import make_challenge
from tests.job_support import next_link, progress_page
from tests.judging_support import person, submit_entry, submitted_review
from tests.results_support import awarded_challenge

pytestmark = pytest.mark.usefixtures("export_storage")
FILE = b"measurements of the sand battery\n"


def _subject() -> User:
    """judge1: wrote a submitted review; has an entry (two versions, a file) with a teammate
    in a second challenge; voted once; has a payout from a third challenge."""
    world, assignment = submitted_review()
    me = assignment.judge.user
    second = make_challenge(world.org, slug="second", title="Second challenge", max_team_size=3)
    mate = person("mate")
    entry = submit_entry(second, me, team=[mate], title="Heat battery")
    db.session.add(
        Attachment(
            submission_id=entry.id,
            filename="../data.txt",
            content_type="text/plain",
            size=len(FILE),
            sha256=hashlib.sha256(FILE).hexdigest(),
            storage_key=storage().put(FILE),
        )
    )
    db.session.commit()
    text = entries.EntryText("Heat battery v2", "Sand", "Better.", "")
    entries.save_entry(actor=me, submission=entry, text=text, base_version=1, submit=True)
    db.session.add(Vote(submission_id=world.entries[0].id, user_id=me.id, value=1))
    published = awarded_challenge(
        world.org, me, title="Third challenge", entry_title="Old idea", at=utcnow()
    )
    award = published.awards[0]
    db.session.add(
        Payout(
            award_id=award.id,
            challenge_id=award.challenge_id,
            user_id=me.id,
            amount=250_000,
            currency="USD",
            status=PayoutStatus.PENDING,
        )
    )
    db.session.commit()
    return me


def _download(client: FlaskClient) -> zipfile.ZipFile:
    page = progress_page(client, client.post("/account/data"))
    assert "Your data is ready" in page.text, page.text[:2000]
    response = client.get(next_link(page))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_zip_holds_the_persons_profile_entries_reviews_votes_and_payouts(
    client: FlaskClient, auth: AuthActions
) -> None:
    me = _subject()
    auth.login(me.email)
    archive = _download(client)
    names = set(archive.namelist())
    for name in (
        "README.txt",
        "profile.json",
        "organizations.json",
        "reviews.json",
        "votes.json",
        "payouts.json",
    ):
        assert name in names

    profile = json.loads(archive.read("profile.json"))
    assert profile["handle"] == "judge1" and profile["email"] == me.email
    assert "mail_updates" in profile and "password_hash" not in profile

    folder = next(n.rsplit("/", 1)[0] for n in names if n.endswith("heat-battery-v2/entry.json"))
    entry = json.loads(archive.read(f"{folder}/entry.json"))
    assert entry["title"] == "Heat battery v2"
    assert {m["handle"] for m in entry["team"]} == {"judge1", "mate"}
    v1 = json.loads(archive.read(f"{folder}/v1/version.json"))
    v2 = json.loads(archive.read(f"{folder}/v2/version.json"))
    assert (v1["title"], v2["title"]) == ("Heat battery", "Heat battery v2")
    assert v1["attachments"] == []
    assert v2["attachments"][0]["filename"] == "../data.txt"
    assert archive.read(f"{folder}/v2/data.txt") == FILE  # the name cannot climb out

    reviews = json.loads(archive.read("reviews.json"))
    assert len(reviews) == 1 and reviews[0]["score_total"] == 72.5
    assert [s["value"] for s in reviews[0]["scores"]] == [5, 3, 4, 2]
    assert reviews[0]["scores"][0]["criterion"] == "Impact"
    votes = json.loads(archive.read("votes.json"))
    assert [(v["entry_title"], v["value"]) for v in votes] == [("Entry 1", 1)]
    payouts = json.loads(archive.read("payouts.json"))
    assert [(p["amount_minor"], p["currency"], p["status"]) for p in payouts] == [
        (250_000, "USD", "pending")
    ]
    readme = archive.read("README.txt").decode()
    assert "payouts.json" in readme and "minor units" in readme

    everything = b"".join(archive.read(name) for name in names)
    assert b"mate@mate.example" not in everything  # no teammate's e-mail
    assert b"judge2" not in everything and b"solver1" not in everything  # nobody else's data


def test_the_readme_is_in_the_owners_language(client: FlaskClient, auth: AuthActions) -> None:
    me = _subject()
    me.locale = "es"
    db.session.commit()
    auth.login(me.email)
    page = progress_page(client, client.post("/account/data"))
    archive = zipfile.ZipFile(io.BytesIO(client.get(next_link(page)).data))
    readme = archive.read("README.txt").decode()
    # Every domain's line of the README, not only the account's own.
    for spanish in (
        "reviews.json: las evaluaciones que escribiste",
        "votes.json: tus votos de la comunidad",
        "entries/: una carpeta por cada propuesta",
        "payouts.json:",
    ):
        assert spanish in readme
    assert "your community votes" not in readme and "one folder per entry" not in readme


def test_another_person_gets_404_and_anonymous_visitors_sign_in(
    client: FlaskClient, auth: AuthActions
) -> None:
    me = _subject()
    auth.login(me.email)
    page = progress_page(client, client.post("/account/data"))
    download = next_link(page)
    job_url = client.post("/account/data").headers["Location"]
    auth.logout()
    for url in (download, job_url, "/account/data"):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert client.post("/account/data").status_code == 302
    auth.login("mate@mate.example")
    assert client.get(download).status_code == 404
    assert client.get("/account/data").status_code == 200
    assert "heat-battery" not in client.get("/account/data").text


def test_a_second_click_while_one_is_being_made_reuses_it(
    client: FlaskClient, auth: AuthActions, held_jobs: list[int]
) -> None:
    me = person("ada")
    auth.login(me.email)
    first = client.post("/account/data")
    second = client.post("/account/data")
    assert first.headers["Location"] == second.headers["Location"]
    assert len(held_jobs) == 1
    page = client.get("/account/data").text
    assert "being made" in page and first.headers["Location"] in page


def test_the_account_page_links_to_the_data_page(client: FlaskClient, auth: AuthActions) -> None:
    auth.login(person("ada").email)
    assert 'href="/account/data"' in client.get("/account").text


def test_the_button_needs_the_csrf_token(make_app: Callable[..., Flask]) -> None:
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    user = person("nina")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post(
        "/login",
        data={"email": user.email, "password": "correct-horse-battery-staple", "csrf_token": token},
    )
    assert client.post("/account/data", data={}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Submission)) == 0


def test_the_storage_sweep_keeps_a_fresh_download_and_deletes_it_after_a_day(
    client: FlaskClient, auth: AuthActions
) -> None:
    from datetime import timedelta

    from submissions.storage_cli import sweep

    auth.login(person("ada").email)
    page = progress_page(client, client.post("/account/data"))
    job = db.session.scalars(sa.select(Job)).one()
    key = job.result["storage_key"]
    assert sweep(older_than=timedelta(0), now=utcnow() + timedelta(seconds=1)).kept >= 1
    assert storage().exists(key)
    assert client.get(next_link(page)).status_code == 200
    sweep(older_than=timedelta(0), now=utcnow() + timedelta(days=2))
    assert not storage().exists(key)
    assert client.get(next_link(page)).status_code == 410
