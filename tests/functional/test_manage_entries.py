"""The sponsor's entries dashboard and its CSV and ZIP exports: who, when, and what is inside."""

from __future__ import annotations

import csv
import io
import zipfile
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from challenges.models import Challenge
from core.db import db, frozen_time
from core.jobs import Job
from submissions import services
from submissions.models import Submission, TeamMember, TeamRole
from tests.conftest import AuthActions
from tests.entries_support import World, add_entry, build_world
from tests.factories import make_user
from tests.job_support import ask_for_export, export_entries, next_link, progress_page

ROLES = ["anonymous", "solver", "member", "manager", "owner", "other_owner", "admin"]
MANAGERS = {"manager", "owner", "admin"}


@pytest.fixture
def world() -> World:
    return build_world()


def _sign_in(auth: AuthActions, role: str) -> None:
    if role != "anonymous":
        assert auth.login(f"{role}@example.org").status_code == 302


def _after_deadline(challenge: Challenge) -> AbstractContextManager[None]:
    return frozen_time(challenge.closes_at + timedelta(hours=1))


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_is_for_sponsor_owners_managers_and_admins(
    client: FlaskClient, auth: AuthActions, world: World, role: str
) -> None:
    _sign_in(auth, role)
    response = client.get("/challenges/c/manage")
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == (200 if role in MANAGERS else 403)


@pytest.mark.usefixtures("export_storage")
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("fmt", ["csv", "zip"])
def test_exports_open_to_managers_only_after_the_deadline(
    client: FlaskClient, auth: AuthActions, world: World, role: str, fmt: str
) -> None:
    _sign_in(auth, role)
    before = ask_for_export(client, "c", fmt)
    with _after_deadline(world.challenge):
        after = ask_for_export(client, "c", fmt)
        if role == "anonymous":
            assert before.status_code == after.status_code == 302
            assert "/login" in after.headers["Location"]
            return
        assert before.status_code == 403
        if role in MANAGERS:
            assert b"stay private until the submission deadline" in before.data
            download = client.get(next_link(progress_page(client, after)))
            expected = b"Sand battery" if fmt == "csv" else b"-sand-battery/entry.md"
            assert download.status_code == 200 and expected in download.data
        else:
            assert after.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == (1 if role in MANAGERS else 0)


@pytest.mark.usefixtures("export_storage")
def test_exports_open_at_once_when_solutions_are_public_on_submit(
    client: FlaskClient, auth: AuthActions
) -> None:
    build_world("public_on_submit")
    _sign_in(auth, "manager")
    assert export_entries(client, "c", "csv").status_code == 200
    assert export_entries(client, "c", "zip").status_code == 200


def test_dashboard_hides_content_before_the_deadline_and_drafts_always(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    _sign_in(auth, "manager")
    before = client.get("/challenges/c/manage").get_data(as_text=True)
    assert "1 draft in progress" in before and "1 submitted entry" in before
    assert "Sand battery" not in before and "hidden until the deadline" in before
    assert f"/submissions/{world.entry.id}" not in before
    assert "Download CSV" not in before
    with _after_deadline(world.challenge):
        after = client.get("/challenges/c/manage").get_data(as_text=True)
    assert "Sand battery" in after and f"/submissions/{world.entry.id}" in after
    assert "Download CSV" in after
    for page in (before, after):
        assert "Secret draft idea" not in page and f"<td>{world.draft.id}</td>" not in page


def test_challenge_page_links_managers_to_the_dashboard(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    _sign_in(auth, "member")
    assert b"/challenges/c/manage" not in client.get("/challenges/c").data
    auth.logout()
    _sign_in(auth, "manager")
    assert b"/challenges/c/manage" in client.get("/challenges/c").data


def _csv_rows(client: FlaskClient) -> list[dict[str, str]]:
    response = export_entries(client, "c", "csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


@pytest.mark.usefixtures("export_storage")
def test_csv_lists_visible_entries_with_team_versions_and_hash(
    client: FlaskClient, auth: AuthActions, world: World
) -> None:
    teammate = make_user("teammate")
    owner_row = world.entry.members[0]
    owner_row.share_bp = 6000
    db.session.add(
        TeamMember(
            submission_id=world.entry.id,
            challenge_id=world.challenge.id,
            user_id=teammate.id,
            role=TeamRole.MEMBER,
            share_bp=4000,
        )
    )
    db.session.commit()
    withdrawn = add_entry(world.challenge, "quitter", "Withdrawn idea")
    services.withdraw_entry(actor=withdrawn.owner, submission=withdrawn)
    _sign_in(auth, "manager")
    with _after_deadline(world.challenge):
        rows = _csv_rows(client)
    assert len(rows) == 1  # drafts and withdrawn entries stay with their teams
    row = rows[0]
    latest = services.latest_version(world.entry)
    assert row["id"] == str(world.entry.id) and row["title"] == "Sand battery"
    assert row["status"] == "submitted" and row["owner_handle"] == "solver"
    assert row["team_handles"] == "solver;teammate" and row["shares_percent"] == "60.00;40.00"
    assert row["versions"] == "1" and row["latest_hash"] == latest.content_hash
    assert row["first_submitted_utc"].endswith("Z")


@pytest.mark.usefixtures("export_storage")
@pytest.mark.parametrize("dangerous", ["=HYPERLINK(1)", "+1+2", "-2+3", "@SUM(A1)"])
def test_csv_neutralises_spreadsheet_formulas(
    client: FlaskClient, auth: AuthActions, world: World, dangerous: str
) -> None:
    add_entry(world.challenge, "attacker", dangerous)
    _sign_in(auth, "owner")
    with _after_deadline(world.challenge):
        titles = {row["title"] for row in _csv_rows(client)}
    assert titles == {"Sand battery", "'" + dangerous}


def test_zip_has_a_folder_per_entry_with_text_hash_and_files(
    client: FlaskClient,
    auth: AuthActions,
    app: Flask,
    web_app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for each in (app, web_app):
        monkeypatch.setitem(each.config, "STORAGE_DIR", str(tmp_path))
    world = build_world()
    files = [("../../etc/passwd", b"not really"), ("notes.txt", b"first"), ("notes.txt", b"two")]
    with_files = add_entry(world.challenge, "filer", "Files included", files)
    _sign_in(auth, "admin")
    with _after_deadline(world.challenge):
        response = export_entries(client, "c", "zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)
    folder = f"{with_files.id}-files-included"
    assert sorted(n for n in names if n.startswith(folder)) == [
        f"{folder}/entry.md",
        f"{folder}/notes-2.txt",
        f"{folder}/notes.txt",
        f"{folder}/passwd",
    ]
    assert archive.read(f"{folder}/passwd") == b"not really"
    assert {archive.read(f"{folder}/notes.txt"), archive.read(f"{folder}/notes-2.txt")} == {
        b"first",
        b"two",
    }
    text = archive.read(f"{folder}/entry.md").decode()
    latest = services.latest_version(with_files)
    assert "# Files included" in text and "The **body**." in text
    assert latest.content_hash in text and "https://example.org/code" in text
    assert f"{world.entry.id}-sand-battery/entry.md" in names
    assert not any("secret" in n for n in names)


def test_demo_entries_keep_entrant_counts_and_hashes_consistent(client: FlaskClient) -> None:
    from accounts import demo as accounts_demo
    from challenges import demo as challenges_demo
    from core.audit import AuditEntry
    from submissions import demo as submissions_demo
    from submissions.hashing import content_hash
    from submissions.models import SubmissionStatus, SubmissionVersion

    accounts_demo.seed()
    challenges_demo.seed()
    assert submissions_demo.seed() >= 35
    for challenge in db.session.scalars(sa.select(Challenge)):
        submitted = [s for s in _all_entries(challenge) if s.status == SubmissionStatus.SUBMITTED]
        assert challenge.entrant_count == len(submitted), challenge.slug
    statuses = [s.status for s in db.session.scalars(sa.select(Submission))]
    assert statuses.count(SubmissionStatus.WITHDRAWN) == 1
    assert statuses.count(SubmissionStatus.DISQUALIFIED) == 1
    assert db.session.scalars(sa.select(AuditEntry.action)).all() == ["submission.disqualify"]
    for version in db.session.scalars(sa.select(SubmissionVersion)):
        text = {k: getattr(version, k) for k in ("title", "summary", "body_md", "links")}
        assert version.content_hash == content_hash(**text, attachments=[])
    assert b"Sand Battery in Disused Silos" not in client.get("/solutions").data  # not yet public
    assert b"Window-Frame Heat Pumps" in client.get("/solutions").data


def _all_entries(challenge: Challenge) -> list[Submission]:
    return list(
        db.session.scalars(sa.select(Submission).where(Submission.challenge_id == challenge.id))
    )


def test_dashboard_pages_through_every_entry_once_with_its_team_size(
    client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    from submissions import gallery

    monkeypatch.setattr(gallery, "MANAGE_PER_PAGE", 2)
    world = build_world(visibility="public_on_submit")
    second = add_entry(world.challenge, "solver2", "Salt battery")
    db.session.add(
        TeamMember(
            submission_id=second.id,
            challenge_id=world.challenge.id,
            user_id=make_user("mate").id,
            role=TeamRole.MEMBER,
            share_bp=0,
        )
    )
    db.session.commit()
    add_entry(world.challenge, "solver3", "Gravity store")
    _sign_in(auth, "owner")
    first = client.get("/challenges/c/manage").text
    last = client.get("/challenges/c/manage?page=2").text
    assert "Sand battery" in first and "Salt battery" in first and "Gravity store" not in first
    assert "Gravity store" in last and "Sand battery" not in last
    assert "page=2" in first  # the pager links the next page
    assert "Secret draft idea" not in first + last and "1 draft in progress" in first
    row = first.split(f'id="entry-{second.id}"')[1].split("</tr>")[0]
    assert '<td class="text-end">2</td>' in row
    past = client.get("/challenges/c/manage?page=9", follow_redirects=True)
    assert "Page 9 is past the end of this list (3 in all, 2 pages)" in past.text
