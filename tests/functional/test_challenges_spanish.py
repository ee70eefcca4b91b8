"""Challenge pages, refusals, flashes and follower e-mails in Spanish: the page in the viewer's
language, each e-mail in its recipient's."""

from __future__ import annotations

from flask.testing import FlaskClient

from core.db import db
from core.mail import Mail
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user
from tests.functional import challenge_helpers
from tests.functional.challenge_helpers import FORM

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
sponsor = challenge_helpers.sponsor  # the signed-in owner of "Helios"


def test_front_page_list_and_challenge_page_read_in_spanish(client: FlaskClient) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, slug="grid", title="Grid Storage")
    home = client.get("/", headers=SPANISH).get_data(as_text=True)
    assert "Problemas difíciles. Comunidades abiertas. Premios reales." in home
    assert "Explorar desafíos" in home and "Browse challenges" not in home
    listing = client.get("/challenges?q=grid", headers=SPANISH).get_data(as_text=True)
    assert "1 desafío para la búsqueda «grid»" in listing and "Energía y clima" in listing
    assert "Más relevantes" in listing and "Abierto tras los resultados" in listing
    assert "Closing soon" not in listing and "1 challenge" not in listing
    page = client.get("/challenges/grid", headers=SPANISH).get_data(as_text=True)
    for spanish in ("Preguntas y respuestas", "Bolsa de premios total", "Calendario", "Abierto"):
        assert spanish in page
    for english in ("Questions and answers", "Total purse", "Winners announced", "Teams of up"):
        assert english not in page


def test_refused_draft_comes_back_with_spanish_labels_and_message(
    client: FlaskClient, sponsor
) -> None:
    bad = {**FORM, "closes_at": "2030-12-01T09:00"}
    response = client.post("/challenges/new", data=bad, headers=SPANISH)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "El desafío debe abrirse antes de cerrarse." in html
    assert "Resumen en una línea" in html and "Perfil de apertura" in html
    assert "The challenge must open before it closes." not in html


def test_follow_flash_in_spanish(client: FlaskClient, auth: AuthActions) -> None:
    org = make_org("Helios", owner=make_user("owner"))
    make_challenge(org, slug="grid")
    auth.login(make_user("fan").email)
    response = client.post("/challenges/grid/follow", headers=SPANISH, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Sigues este desafío" in html and "Siguiendo ✓ (dejar de seguir)" in html


def test_follower_emails_come_in_each_followers_language(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    owner = make_user("owner")
    make_challenge(make_org("Helios", owner=owner), slug="grid", title="Grid Storage")
    fans = {"es": make_user("ana"), "en": make_user("bob")}
    fans["es"].locale = "es"
    db.session.commit()
    for fan in fans.values():
        auth.login(fan.email)
        client.post("/challenges/grid/follow")
        auth.logout()
    auth.login(owner.email)
    client.post("/challenges/grid/updates", data={"title": "Webinar", "body": "Slides are up."})
    by_reader = {m.to: m for m in mails if "Webinar" in m.subject}
    spanish, english = by_reader[fans["es"].email], by_reader[fans["en"].email]
    assert spanish.subject == "Novedad: Grid Storage: Webinar"
    assert "Sigues este desafío" in spanish.body and "Slides are up." in spanish.body
    assert english.subject == "Update: Grid Storage: Webinar"
    assert "You follow this challenge" in english.body
