"""Hostile input never gives a 500: out-of-range ids in URLs, NUL characters in any text."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user

HUGE_IDS = [2**31, 2**63, 2**64, -1]
_PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _url_for_rule(rule: str, number: str) -> str:
    """The rule's address with every int parameter set to ``number`` and any other to
    "grid" (the slug of the challenge and organization in the fixture)."""

    def fill(match: re.Match[str]) -> str:
        converter, _ = match.groups()
        if converter == "int":
            return number
        if converter == "any":
            return match.group(0).split("(")[1].split(",")[0].strip()
        return "grid"

    return _PARAMETER.sub(fill, rule)


def _routes_with_ids(app: Flask, method: str) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if method in rule.methods and "<int:" in rule.rule
    )


@pytest.fixture
def world(auth: AuthActions) -> None:
    admin = make_user("root", admin=True)
    org = make_org("Helios", owner=make_user("owner"), slug="grid")
    make_challenge(org, slug="grid")
    auth.login(admin.email)


@pytest.mark.parametrize("number", HUGE_IDS, ids=["2^31", "2^63", "2^64", "-1"])
def test_out_of_range_ids_in_any_address_are_a_404(
    web_app: Flask, client: FlaskClient, world: None, number: int
) -> None:
    routes = _routes_with_ids(web_app, "GET") + _routes_with_ids(web_app, "POST")
    assert len(routes) > 30  # every id route of every domain is covered
    wrong = {}
    for rule in routes:
        url = _url_for_rule(rule, str(number))
        for method in ("get", "post"):
            try:
                status = getattr(client, method)(url).status_code
            except Exception as error:
                status = f"{type(error).__name__}: {error}"[:120]
            if status not in (404, 405):
                wrong[f"{method.upper()} {url}"] = status
    assert wrong == {}


def test_non_ascii_digits_and_long_numbers_are_not_ids(client: FlaskClient, world: None) -> None:
    assert client.get("/submissions/\uff11").status_code == 404  # a full-width 1
    assert client.get("/submissions/" + "1" * 5000).status_code == 404
    assert client.get("/api/v1/submissions/" + str(2**63)).mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "url",
    [
        "/challenges?q=a%00b",
        "/challenges?sort=%00",
        "/solutions?q=a%00b",
        "/admin?q=%00",
        "/challenges/gr%00id",
        "/u/a%00b",
    ],
)
def test_a_nul_in_an_address_is_a_400_that_says_why(
    client: FlaskClient, world: None, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.text


@pytest.mark.parametrize(
    "url", ["/api/v1/challenges?q=a%00b", "/api/v1/challenges/gr%00id", "/api/v1/winners?%00=1"]
)
def test_a_nul_in_an_api_request_is_a_400_problem(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "NUL character" in response.get_json()["detail"]


NUL_MESSAGE = "invisible NUL character"


def test_a_nul_in_the_sign_in_form_is_refused_on_the_form(client: FlaskClient) -> None:
    user = make_user("solver")
    response = client.post("/login", data={"email": user.email + "\x00", "password": "x\x00y"})
    assert response.status_code == 422
    assert NUL_MESSAGE in response.text
    assert 'name="email"' in response.text


def test_a_nul_in_the_sign_up_form_is_refused_on_the_form(client: FlaskClient) -> None:
    data = {
        "email": "new@example.org",
        "display_name": "Ada\x00 Lovelace",
        "handle": "ada\x00",
        "password": "a long enough password 2026",
        "accept_terms": "y",
    }
    response = client.post("/signup", data=data)
    assert response.status_code == 422
    assert response.text.count(NUL_MESSAGE) == 2
    assert "Ada\ufffd Lovelace" in response.text  # the text is kept, the NUL made visible


def test_a_nul_in_the_challenge_form_keeps_the_text_and_names_the_field(
    client: FlaskClient, auth: AuthActions
) -> None:
    from tests.functional.challenge_helpers import FORM

    owner = make_user("owner")
    make_org("Helios", owner=owner, slug="helios")
    auth.login(owner.email)
    data = {
        **FORM,
        "description_md": "Long problem text\x00 with a NUL.",
        "tiers-0-label": "Top\x00",
    }
    response = client.post("/challenges/new", data=data)
    assert response.status_code == 422
    assert response.text.count(NUL_MESSAGE) == 2
    assert "Long problem text\ufffd with a NUL." in response.text


def test_every_form_refuses_nul(web_app: Flask) -> None:
    """Every form class of the app derives from the project's base form, which refuses NUL."""
    import flask_wtf

    from core.forms import FlaskForm

    assert FlaskForm is not flask_wtf.FlaskForm

    def subclasses(cls: type) -> set[type]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(sub) for sub in found))

    strays = {
        f"{cls.__module__}.{cls.__name__}"
        for cls in subclasses(flask_wtf.FlaskForm)
        if cls is not FlaskForm and not issubclass(cls, FlaskForm)
    }
    assert strays == set()
