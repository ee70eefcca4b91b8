"""The submissions pages, their messages and their e-mails in Spanish for a Spanish reader."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from core.db import db
from core.mail import Mail
from submissions import services, teams
from submissions.models import Submission
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}


@pytest.fixture
def entry() -> Submission:
    org = make_org(owner=make_user("sponsor"))
    challenge = make_challenge(org, visibility="public_on_submit", max_team_size=3)
    owner = make_user("olga")
    submission = services.enter_challenge(
        actor=owner, challenge=challenge, accepts_terms=True, attests_eligibility=True
    )
    text = services.EntryText("Sand battery", "Heat sand in silos.", "How it works.", "")
    services.save_entry(actor=owner, submission=submission, text=text, base_version=0, submit=True)
    teams.invite_teammate(actor=owner, submission=submission, handle_or_email="bob@example.org")
    return submission


def test_the_gallery_and_an_entry_read_in_spanish(client: FlaskClient, entry: Submission) -> None:
    gallery = client.get("/solutions", headers=SPANISH).get_data(as_text=True)
    assert "Buscar en títulos y resúmenes" in gallery and "1 solución" in gallery
    assert "Search titles and summaries" not in gallery and "1 solution" not in gallery
    page = client.get(f"/submissions/{entry.id}", headers=SPANISH).get_data(as_text=True)
    assert "Enviada" in page and "Licencia:" in page and "Denunciar esta propuesta" not in page
    assert "First submitted" not in page and "Primer envío" in page


def test_the_team_sees_its_panel_and_history_in_spanish(
    client: FlaskClient, auth: AuthActions, entry: Submission
) -> None:
    auth.login(entry.owner.email)
    page = client.get(f"/submissions/{entry.id}", headers=SPANISH).get_data(as_text=True)
    for phrase in ("Invitaciones pendientes", "Historial de versiones", "Invitar a un miembro"):
        assert phrase in page
    assert "Pending invitations" not in page and "Version history" not in page
    edit = client.get(f"/submissions/{entry.id}/edit", headers=SPANISH).get_data(as_text=True)
    assert "Guardar nueva versión" in edit and "Añadir un archivo" in edit
    assert "Save new version" not in edit and "Resumen" in edit


def test_refusals_and_flashes_come_back_in_spanish(
    client: FlaskClient, auth: AuthActions, entry: Submission
) -> None:
    auth.login(entry.owner.email)
    url = f"/submissions/{entry.id}/team/invites"
    response = client.post(
        url, data={"handle_or_email": "@nobody"}, headers=SPANISH, follow_redirects=True
    )
    assert "Nadie tiene el nombre de usuario @nobody" in response.text
    assert "No one has the handle" not in response.text
    response = client.post(
        url, data={"handle_or_email": "cy@example.org"}, headers=SPANISH, follow_redirects=True
    )
    assert "Invitación enviada a cy@example.org." in response.text
    other = make_user("eve")
    auth.logout()
    auth.login(other.email)
    enter_url = f"/challenges/{entry.challenge.slug}/enter"
    form = client.get(enter_url, headers=SPANISH).get_data(as_text=True)
    assert "Cumplo los requisitos de participación." in form
    refused = client.post(enter_url, data={"attest_eligibility": "y"}, headers=SPANISH)
    assert refused.status_code == 422
    assert "Acepta las reglas, la licencia y las condiciones" in refused.get_data(as_text=True)


def test_an_invitation_is_written_in_its_recipients_language(
    entry: Submission, mails: list[Mail]
) -> None:
    reader = make_user("lucia")
    reader.locale = "es"
    db.session.commit()
    teams.invite_teammate(actor=entry.owner, submission=entry, handle_or_email="lucia")
    assert mails[-1].to == "lucia@example.org"
    assert mails[-1].subject.endswith("te invitó a su equipo en OpenPrize")
    assert "La invitación caduca en la fecha límite" in mails[-1].body
    english = next(m for m in mails if "bob@example.org" in m.to)
    assert "invited you to their team on OpenPrize" in english.subject
