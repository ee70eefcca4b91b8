"""Results, winners, impact, adoption and diversity pages in Spanish for a browser that asks for
it: page text, the words computed in Python (the method line, status labels) and form errors."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient

from core.db import utcnow
from judging.adoption.models import AdoptionStatus
from tests.adoption_support import add_update, build_adoption_world
from tests.conftest import AuthActions
from tests.results_support import judged_world, publish

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}


def test_published_results_and_the_winners_list_read_in_spanish(client: FlaskClient) -> None:
    publish(judged_world())
    results = client.get("/challenges/grid/results", headers=SPANISH).get_data(as_text=True)
    assert '<html lang="es">' in results
    assert ">Resultados</h1>" in results and ">Ganadores</h2>" in results
    assert "Puntuaciones calibradas según la indulgencia de cada juez (ridge, λ=2)." in results
    assert "Scores calibrated" not in results and ">Winners</h2>" not in results
    winners = client.get("/winners", headers=SPANISH).get_data(as_text=True)
    assert "Premios otorgados en todos los desafíos" in winners
    assert "Prizes awarded across all challenges" not in winners


def test_impact_and_diversity_pages_read_in_spanish(client: FlaskClient) -> None:
    world = build_adoption_world()
    add_update(world, AdoptionStatus.PILOTING, at=utcnow() - timedelta(days=2), note="Depósitos.")
    impact = client.get("/impact", headers=SPANISH).get_data(as_text=True)
    assert "Impacto de los desafíos con premios otorgados" in impact
    assert "En piloto" in impact and "Piloting" not in impact
    assert "Impact of awarded challenges" not in impact
    challenge = client.get(f"/challenges/{world.slug}", headers=SPANISH).get_data(as_text=True)
    assert "Impacto en toda la plataforma" in challenge
    assert "Informar de una reutilización" in challenge
    diversity = client.get("/impact/diversity", headers=SPANISH).get_data(as_text=True)
    assert ">Quién resuelve los desafíos</h1>" in diversity
    assert "Los perfiles son autodeclarados y opcionales." in diversity
    assert "Who solves challenges" not in diversity


def test_adoption_form_errors_and_the_flash_come_back_in_spanish(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = build_adoption_world()
    url = f"/challenges/{world.slug}/adoption/{world.award_id}"
    auth.login("owner@example.org")
    page = client.get(url, headers=SPANISH).get_data(as_text=True)
    assert "¿Qué ha sido de esta solución ganadora?" in page and "Registrar la novedad" in page
    refused = client.post(url, data={"status": ""}, headers=SPANISH)
    assert refused.status_code == 422 and "Elige un estado." in refused.get_data(as_text=True)
    refused = client.post(url, data={"status": "not_adopted"}, headers=SPANISH)
    html = refused.get_data(as_text=True)
    assert "Explica por qué no se adoptó la solución." in html
    assert "Say why the solution was not adopted." not in html
    done = client.post(url, data={"status": "adopted"}, headers=SPANISH, follow_redirects=True)
    assert "Novedad de adopción registrada." in done.get_data(as_text=True)
