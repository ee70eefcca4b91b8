"""Payments, the admin pages and the API in Spanish: pages, flashes, problem details and the
payout e-mail in its recipient's language."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db, utcnow
from core.mail import Mail
from judging.results.models import Award
from payments.payouts.models import Settlement, SettlementReason, SettlementStatus
from payments.payouts.notices import tell_sponsor_settled, tell_winners_to_onboard
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user
from tests.functional.payouts_helpers import EMAILS, payouts, roles_world

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}
ADMIN = "admin@admin.example"


def test_the_admin_payouts_page_and_its_flash_speak_spanish(
    client: FlaskClient, auth: AuthActions
) -> None:
    roles_world()
    auth.login(ADMIN)
    page = client.get("/admin/payouts?status=waiting", headers=SPANISH).text
    assert "Esperando el alta" in page and "Reintentar ahora" in page
    assert "Waiting for onboarding" not in page and "Retry now" not in page
    empty = client.get("/admin/payouts?status=paid", headers=SPANISH).text
    assert "No hay pagos realizados." in empty and "No payouts are paid." not in empty
    waiting = payouts()[0]
    done = client.post(
        f"/admin/payouts/{waiting.id}/retry", headers=SPANISH, follow_redirects=True
    ).text
    assert "Se ejecutó el proceso de pagos del desafío: pagados 0" in done
    assert "Payout worker ran" not in done


def test_the_payouts_page_funds_ledger_and_payout_words_speak_spanish(
    client: FlaskClient, auth: AuthActions
) -> None:
    roles_world()
    auth.login(EMAILS["solver"])
    page = client.get("/account/payouts", headers=SPANISH).text
    assert "Tus pagos de premios" in page and "País de tu cuenta bancaria" in page
    assert "Estados Unidos" in page and "Configurar los pagos con Stripe" in page
    assert "Your prize payouts" not in page and "United States" not in page
    challenge = client.get("/challenges/grid", headers=SPANISH).text
    assert "Fondos de premios retenidos" in challenge and "Prize funds held" not in challenge
    auth.logout()
    auth.login(EMAILS["owner"])
    ledger = client.get("/challenges/grid/ledger", headers=SPANISH).text
    assert "Libro de cuentas de los fondos de premios" in ledger
    assert "Bolsa de premios recibida" in ledger and "Prize purse received" not in ledger
    results = client.get("/challenges/grid/results", headers=SPANISH).text
    assert "esperando el alta" in results and "waiting for onboarding" not in results
    api = client.get("/api/v1/challenges/grid/results", headers=SPANISH).get_json()
    assert {winner["status"] for winner in api["winners"]} == {"waiting for onboarding"}


def test_api_problem_details_speak_the_readers_language(client: FlaskClient) -> None:
    make_challenge(make_org("Helios", owner=make_user("helios")), slug="draft", published=False)
    missing = client.get("/api/v1/challenges/draft", headers=SPANISH)
    assert missing.status_code == 404
    assert missing.get_json()["detail"] == "No hay ningún desafío publicado en esta dirección."
    refused = client.get("/api/v1/challenges?page=0", headers=SPANISH)
    assert refused.status_code == 400
    assert "debe ser un número entero entre 1 y" in refused.get_json()["detail"]
    english = client.get("/api/v1/challenges/draft")
    assert english.get_json()["detail"] == "There is no published challenge at this address."


def test_payout_mails_are_written_in_each_recipients_language(mails: list[Mail]) -> None:
    example = roles_world()
    for email in (EMAILS["solver"], EMAILS["owner"]):
        db.session.scalars(sa.select(User).where(User.email == email)).one().locale = "es"
    db.session.add(
        Settlement(
            challenge_id=example.challenge.id,
            reason=SettlementReason.PAID,
            funded=300000,
            awarded=250000,
            remainder=50000,
            fee=24000,
            currency="USD",
            status=SettlementStatus.SETTLED,
            settled_at=utcnow(),
        )
    )
    db.session.commit()
    mails.clear()
    awards = list(
        db.session.scalars(sa.select(Award).where(Award.challenge_id == example.challenge.id))
    )
    assert tell_winners_to_onboard(example.challenge, awards) >= 2
    db.session.commit()
    asked = {mail.to: mail for mail in mails}
    spanish = asked.pop(EMAILS["solver"])
    assert spanish.subject.startswith("Configura los pagos para recibir tu premio")
    assert "Se te deben" in spanish.body and "US$" in spanish.body  # Spanish money too
    assert asked and all(m.subject.startswith("Set up payouts") for m in asked.values())
    mails.clear()
    assert tell_sponsor_settled(example.challenge.id)  # the sponsor's summary, per person
    told = {mail.to: mail for mail in mails}
    assert told[EMAILS["owner"]].subject.startswith("Liquidado: ")
    assert "Reembolsado a ti: 500\xa0US$\n" in told[EMAILS["owner"]].body  # a no-break space
    english = told[EMAILS["manager"]]
    assert english.subject.startswith("Settled: ") and "Refunded to you: $500\n" in english.body
