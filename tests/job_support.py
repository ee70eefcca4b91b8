"""Jobs through the pages: their progress page, and exports asked for, watched and downloaded."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

NEXT_LINK = re.compile(r'id="job-next" href="([^"]+)"')


@pytest.fixture
def export_storage(
    app: Flask, web_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Exports (and attachments) stored under a temporary folder, not the instance folder."""
    folder = tmp_path / "uploads"
    for each in (app, web_app):
        monkeypatch.setitem(each.config, "STORAGE_DIR", str(folder))
    return folder


@pytest.fixture
def held_jobs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Jobs committed but not run yet, as when every queue worker is busy."""
    from core.jobs import backends

    held: list[int] = []
    monkeypatch.setattr(backends, "run_here", held.extend)
    return held


def ask_for_export(client: FlaskClient, slug: str, fmt: str) -> TestResponse:
    """Press the export button; on success the answer sends to the job's progress page."""
    return client.post(f"/challenges/{slug}/manage/entries.{fmt}")


def progress_page(client: FlaskClient, asked: TestResponse) -> TestResponse:
    assert asked.status_code == 302, asked.get_data(as_text=True)[:400]
    location = asked.headers["Location"]
    assert re.fullmatch(r"/jobs/\d+", location), location
    return client.get(location)


def next_link(page: TestResponse) -> str:
    """The progress page's link to what the finished job made."""
    found = NEXT_LINK.search(page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)[:2000]
    return html.unescape(found.group(1))


def export_entries(client: FlaskClient, slug: str, fmt: str) -> TestResponse:
    """Ask for the export, see it ready on its progress page, and download it."""
    page = progress_page(client, ask_for_export(client, slug, fmt))
    assert page.status_code == 200 and "Your export is ready" in page.text, page.text[:2000]
    return client.get(next_link(page))
