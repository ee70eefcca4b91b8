"""Judging pages in Spanish for a browser that asks for it: the sponsor's dashboard, a judge's
review page, and the messages built in Python (assignment reports, refusals, flashes)."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db
from judging import services
from judging.models import Assignment, Criterion
from tests.conftest import AuthActions
from tests.judging_support import judging_world, person, sponsor_world

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}


def test_the_sponsor_dashboard_and_its_assignment_report_read_in_spanish(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=2, judge_count=2, k=2)
    auth.login(world.owner.email)
    page = client.get("/challenges/grid/judging", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es">' in page
    assert ">Rúbrica</h2>" in page and ">Asignar jueces</button>" in page
    assert "Los jueces puntúan cada criterio de 1 a 5" in page
    assert ">Panel de jueces</h2>" in page and ">Fiabilidad</h2>" in page
    assert "Judges score each criterion" not in page and ">Assign judges</button>" not in page
    assert "Los jueces se asignaron automáticamente al pasar la fecha límite de envío" in page
    again = client.post("/challenges/grid/judging/assign", headers=SPANISH, follow_redirects=True)
    done = again.get_data(as_text=True)
    assert "0 asignaciones nuevas; 4 conservadas." in done
    assert "Ningún puesto de juez está vacío (2 propuestas asignadas)." in done
    assert "new assignments" not in done


def test_a_judge_reviews_in_spanish_and_is_refused_in_spanish(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = judging_world(entry_count=1, judge_count=2, k=2)
    auth.login(world.owner.email)
    client.post("/challenges/grid/judging/assign")
    auth.logout()
    first = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()
    assert first is not None
    auth.login(first.judge.email)
    url = f"/judging/assignments/{first.id}"
    page = client.get(url, headers=SPANISH).get_data(as_text=True)
    assert ">Tu evaluación</h2>" in page and "Comentarios para el participante" in page
    assert "Declarar un conflicto de intereses con esta propuesta" in page
    assert "Puntuación de Impact" in page and "Guardar borrador" in page
    assert "Your review" not in page and "Save draft" not in page
    impact = db.session.scalars(sa.select(Criterion).where(Criterion.name == "Impact")).one()
    missing = client.post(
        url, data={f"score_{impact.id}": "4", "submit_review": "1"}, headers=SPANISH
    )
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422
    assert "Puntúa todos los criterios antes de enviar; faltan: Feasibility" in text
    assert "Score every criterion" not in text
    draft_data = {f"score_{impact.id}": "4", "save_draft": "1"}
    draft = client.post(url, data=draft_data, headers=SPANISH, follow_redirects=True)
    assert "Borrador guardado." in draft.get_data(as_text=True)


def test_an_invited_judge_reads_the_invitation_and_declines_in_spanish(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = sponsor_world()
    invitee = person("judge9")
    judge = services.invite_judge(actor=world.owner, challenge=world.challenge, email=invitee.email)
    auth.login(invitee.email)
    url = f"/judging/invitations/{judge.id}"
    page = client.get(url, headers=SPANISH).get_data(as_text=True)
    assert ">Conflictos de intereses</h2>" in page
    assert "Personas con las que tienes un conflicto" in page
    assert "Aceptar y unirme al panel de jueces" in page
    assert "Conflicts of interest" not in page and "Accept and join the panel" not in page
    refused = client.post(url, data={"accept": "1"}, headers=SPANISH)
    assert refused.status_code == 422
    assert "Confirma que no tienes conflictos de intereses" in refused.get_data(as_text=True)
    declined = client.post(f"{url}/decline", headers=SPANISH, follow_redirects=True)
    assert "Rechazaste la invitación. Gracias por responder." in declined.get_data(as_text=True)
