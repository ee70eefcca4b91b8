"""Accounts, organizations and the site's error pages in Spanish: the pages, the messages made
in Python (form errors, flashes) and e-mails in their recipient's language."""

from __future__ import annotations

from flask.testing import FlaskClient
from flask_babel import force_locale

from core.db import db
from core.mail import Mail, send_mail
from core.templating import percent_from_bps
from tests.conftest import AuthActions
from tests.factories import PASSWORD, make_org, make_user

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


def _html(client: FlaskClient, path: str) -> str:
    return client.get(path, headers=SPANISH).get_data(as_text=True)


def test_sign_in_sign_up_legal_and_error_pages_read_in_spanish(client: FlaskClient) -> None:
    login = _html(client, "/login")
    assert "¿Has olvidado tu contraseña?" in login and "Correo electrónico" in login
    assert "Forgot your password?" not in login and "Keep me signed in" not in login
    signup = _html(client, "/signup")
    assert "Crea tu cuenta de OpenPrize" in signup and "Nombre visible" in signup
    assert "Create your OpenPrize account" not in signup
    terms = _html(client, "/terms")
    assert "Condiciones del servicio" in terms and "1. Tu cuenta" in terms
    assert "Your account" not in terms
    missing = client.get("/u/nobody-here", headers=SPANISH)
    assert missing.status_code == 404
    assert "Página no encontrada" in missing.text and "Ir a la página de inicio" in missing.text
    assert "Page not found" not in missing.text
    asked = client.get("/account", headers=SPANISH, follow_redirects=True)
    assert "Inicia sesión para continuar." in asked.text
    with force_locale("es"):
        assert percent_from_bps(250) == "2,5 %"


def test_form_errors_and_flashes_from_python_read_in_spanish(
    client: FlaskClient, auth: AuthActions
) -> None:
    user = make_user("ana")
    wrong = client.post(
        "/login", data={"email": user.email, "password": "not-it-at-all"}, headers=SPANISH
    )
    assert wrong.status_code == 422
    assert "El correo electrónico o la contraseña no son correctos." in wrong.text
    short = client.post(
        "/signup",
        data={
            "email": "new@example.org",
            "display_name": "New",
            "handle": "newbie",
            "password": "short",
            "accept_terms": "y",
        },
        headers=SPANISH,
    )
    assert "Usa al menos 12 caracteres." in short.text and "Use at least" not in short.text
    auth.login(user.email)
    saved = client.post(
        "/account",
        data={"display_name": "Ana", "bio": "", "website": "", "timezone": "", "language": ""},
        headers=SPANISH,
        follow_redirects=True,
    )
    assert "Perfil guardado." in saved.text and "Profile saved." not in saved.text
    page = _html(client, "/account")
    assert "Tu cuenta" in page and "Ajustes de correo electrónico" in page
    assert "Sign-in details" not in page


def test_organization_pages_name_roles_in_spanish(client: FlaskClient, auth: AuthActions) -> None:
    owner = make_user("olga")
    org = make_org("Helios", owner=owner, slug="helios")
    owner.locale = "es"
    db.session.commit()
    auth.login(owner.email)
    members = client.get(f"/orgs/{org.slug}/members").get_data(as_text=True)
    assert "Miembros" in members and "Invitaciones pendientes" in members
    assert ">Propietario</option>" in members and ">Owner</option>" not in members
    invited = client.post(
        f"/orgs/{org.slug}/invitations",
        data={"email": "guest@example.org", "role": "manager"},
        follow_redirects=True,
    )
    assert "Invitación enviada a guest@example.org." in invited.text
    assert "como gestor" in invited.text


def test_mail_is_written_in_its_recipients_language(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    reader = make_user("lucia")
    reader.locale = "es"
    english = make_user("emma")
    db.session.commit()
    mails.clear()
    for user in (reader, english):
        send_mail(user.email, "News", "Slides are up.", kind="updates")
    db.session.commit()
    footer = {m.to: m.body for m in mails}
    assert "Dejar de recibir correos como este:" in footer[reader.email]
    assert "Stop e-mails like this one:" in footer[english.email]
    mails.clear()
    auth.login(reader.email)  # an English browser: the account's language decides
    client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "password": "violet tundra magnet orbit",
            "confirm": "violet tundra magnet orbit",
        },
    )
    notice = [m for m in mails if m.to == reader.email]
    assert notice and notice[0].subject == "Se ha cambiado tu contraseña de OpenPrize"
    assert notice[0].body.startswith("Hola, Lucia")
