"""The language a viewer reads: the account's setting, else the footer's choice on this browser,
else the browser's Accept-Language, else English; dates and money in that language."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale

from accounts.models import User
from core.db import db
from core.i18n import LANG_COOKIE
from core.money import format_amount
from core.templating import format_fixed, format_number
from core.timefmt import format_datetime
from tests.conftest import AuthActions
from tests.factories import make_user

SPANISH = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}


def _page_language(client: FlaskClient, path: str = "/challenges", **kwargs: object) -> str:
    html = client.get(path, **kwargs).get_data(as_text=True)
    assert ">Desafíos<" in html or ">Challenges<" in html
    return "es" if '<html lang="es">' in html and ">Desafíos<" in html else "en"


def test_english_unless_the_browser_asks_for_spanish(client: FlaskClient) -> None:
    assert _page_language(client) == "en"
    assert _page_language(client, headers={"Accept-Language": "de-DE,de;q=0.9"}) == "en"
    assert _page_language(client, headers=SPANISH) == "es"


def test_footer_choice_outlasts_the_browser_preference(client: FlaskClient) -> None:
    response = client.post("/language", data={"lang": "es", "next": "/winners"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/winners"
    cookie = client.get_cookie(LANG_COOKIE)
    assert cookie is not None and cookie.value == "es" and cookie.http_only
    assert _page_language(client, headers={"Accept-Language": "en"}) == "es"
    client.post("/language", data={"lang": "en", "next": "/"})
    assert _page_language(client, headers=SPANISH) == "en"


def test_footer_offers_the_other_language_and_returns_to_the_page(client: FlaskClient) -> None:
    html = client.get("/winners?page=1").get_data(as_text=True)
    assert 'name="next" value="/winners?page=1"' in html
    assert 'value="es" lang="es"' in html and ">Español</button>" in html
    assert '<span lang="en" aria-current="true"' in html


def test_switcher_refuses_foreign_targets_and_unknown_languages(client: FlaskClient) -> None:
    for target in (
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
        "/x\x00y",
        "/a\r\nb",
    ):
        response = client.post("/language", data={"lang": "es", "next": target})
        assert response.status_code == 303 and response.headers["Location"] == "/"
    client.delete_cookie(LANG_COOKIE)
    for code in ("xx", "es\x00", "", "e" * 5000):
        response = client.post("/language", data={"lang": code, "next": "/challenges"})
        assert response.status_code == 400
        assert "Choose one of the languages" in response.get_data(as_text=True)
    assert client.get_cookie(LANG_COOKIE) is None


def test_signed_in_choice_is_kept_on_the_account(client: FlaskClient, auth: AuthActions) -> None:
    user = make_user("lucia")
    auth.login(user.email)
    client.post("/language", data={"lang": "es", "next": "/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "es"
    client.delete_cookie(LANG_COOKIE)  # another browser: the account's language still holds
    assert _page_language(client, headers={"Accept-Language": "en"}) == "es"


def test_language_set_on_the_account_page(client: FlaskClient, auth: AuthActions) -> None:
    user = make_user("marta")
    auth.login(user.email)
    form = {"display_name": "Marta", "timezone": "", "language": "es"}
    assert client.post("/account", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "es"
    html = client.get("/account").get_data(as_text=True)
    assert '<option selected value="es">' in html or '<option value="es" selected>' in html
    refused = client.post("/account", data={**form, "language": "klingon"})
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "es"
    client.post("/account", data={**form, "language": ""})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale is None


def test_pages_vary_on_the_language(client: FlaskClient) -> None:
    vary = client.get("/challenges").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_money_and_dates_in_the_viewers_language(web_app: Flask) -> None:
    moment = datetime(2026, 12, 4, 8, 5, tzinfo=UTC)
    with web_app.test_request_context("/"):
        assert format_amount(5000050, "USD") == "$50,000.50"
        assert format_amount(5000000, "EUR") == "€50,000"
        assert format_amount(1200, "JPY") == "¥1,200"
        assert format_datetime(moment) == "04 Dec 2026, 08:05 UTC"
        assert (format_fixed(88.254), format_fixed(-1.55, 1, signed=True)) == ("88.25", "-1.6")
        assert format_number(12000) == "12,000"
        with force_locale("es"):
            assert format_fixed(88.254) == "88,25" and format_fixed(1.5, 1, signed=True) == "+1,5"
            assert format_number(12000) == "12.000"
            assert format_amount(5000050, "USD") == "50.000,50\xa0US$"
            assert format_amount(5000000, "EUR") == "50.000\xa0€"
            assert format_datetime(moment) == "04 dic 2026, 08:05 UTC"


def test_each_request_and_each_forced_block_reads_its_own_catalog(web_app: Flask) -> None:
    """The catalog found for one request's language is kept for its next lookups: alternating
    readers, and an e-mail forced into another language mid-request, each get their own."""
    from flask_babel import gettext

    seen = []
    for language in ("es", "en", "es", "en"):
        with web_app.test_request_context(headers={"Accept-Language": language}):
            own = gettext("Challenges")
            with force_locale("en" if language == "es" else "es"):
                forced = gettext("Challenges")
            seen.append((own, forced, gettext("Challenges")))
    spanish, english = (
        ("Desafíos", "Challenges", "Desafíos"),
        ("Challenges", "Desafíos", "Challenges"),
    )
    assert seen == [spanish, english, spanish, english]
