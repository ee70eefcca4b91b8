"""The sponsor computes results, maps ranks to prizes and approves or declines, through the
pages: defaults, reasons, passing score, stale and superseded snapshots, double approval."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from challenges.models import PrizeTier
from core.db import db
from judging.models import Assignment, JudgingSettings
from judging.results.compute import compute_results
from judging.results.models import Award, AwardKind, ResultRow, ResultSnapshot, SnapshotState
from submissions.models import Submission
from tests.conftest import AuthActions
from tests.example_support import Example, add_voters, cast, example_world
from tests.functional.results_helpers import URL, all_awards, computed, picks_for, tiers_of


def _open_assignment(example: Example, judge: str, entry: int) -> Assignment:
    return Assignment(
        judge_id=example.judges[judge][1].id,
        submission_id=example.sid(entry),
        blind_label=f"Entry #{example.sid(entry):06d}",
    )


def test_sponsor_computes_results_from_the_dashboard_and_sees_the_default_mapping(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    auth.login(example.world.owner.email)
    dashboard = client.get("/challenges/grid/judging").text
    assert "Compute results" in dashboard and 'data-confirm="Compute results now?' in dashboard
    snapshot = computed(example, client, auth)
    page = client.get(f"{URL}/{snapshot.id}")
    assert page.status_code == 200
    ranking = page.text[page.text.index('id="ranking-table"') :]
    assert (
        ranking.index(">S3<")
        < ranking.index(">S1<")
        < ranking.index(">S2<")
        < ranking.index(">S4<")
    )
    assert "76.14" in ranking and "79.00" in ranking  # calibrated beside the raw mean
    first, second = tiers_of(example)
    for tier, entry in ((first, 3), (second, 1)):
        select = re.search(
            rf'<select[^>]*name="tier_{tier.id}".*?</select>', page.text, re.S
        ).group(0)
        assert re.search(rf'<option selected value="{example.sid(entry)}"', select)
    assert "Approve winners" in page.text and "Decline to award" not in page.text
    assert 'data-confirm="Approve these winners?' in page.text
    assert "up to date" in client.get("/challenges/grid/judging").text


def test_the_dashboard_says_why_results_cannot_be_computed_yet(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world(reviews={"A": {1: 88}})
    db.session.add(_open_assignment(example, "B", 2))
    db.session.commit()
    auth.login(example.world.owner.email)
    page = client.get("/challenges/grid/judging").text
    assert "1 review is still open; results can be computed when judging ends on" in page
    assert 'action="/challenges/grid/judging/results"' not in page
    refused = client.post(URL)
    assert refused.status_code == 302 and refused.headers["Location"].endswith("#results")
    assert "1 review is still open" in client.get(refused.headers["Location"]).text
    assert db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 0


def test_approving_the_computed_order_records_awards_and_tells_the_winners(
    client: FlaskClient, auth: AuthActions, mails
) -> None:
    example = example_world()
    snapshot = computed(example, client, auth)
    response = client.post(f"{URL}/{snapshot.id}/approve", data=picks_for(example, 3, 1))
    assert response.status_code == 302, response.text[:500]
    first, second = tiers_of(example)
    awards = all_awards()
    assert [
        (a.prize_tier_id, a.submission_id, a.rank, a.amount, a.currency, a.kind) for a in awards
    ] == [
        (first.id, example.sid(3), 1, 1_000_000, "USD", AwardKind.PLACED),
        (second.id, example.sid(1), 2, 500_000, "USD", AwardKind.PLACED),
    ]
    db.session.refresh(snapshot)
    db.session.refresh(example.challenge)
    assert snapshot.state == SnapshotState.APPROVED and snapshot.adjustment_reason == ""
    assert snapshot.decided_by_id == example.world.owner.id and snapshot.decided_at is not None
    assert example.challenge.awarded_at is not None and example.challenge.phase() == "awarded"
    winners = {m.to: m for m in mails if m.subject.startswith("Your entry won")}
    assert set(winners) == {"solver3@solver3.example", "solver1@solver1.example"}
    assert "payout pending" in winners["solver3@solver3.example"].body.lower()
    assert "First prize" in winners["solver3@solver3.example"].subject
    assert any(m.to == example.world.owner.email and "Winners approved" in m.subject for m in mails)
    dashboard = client.get("/challenges/grid/judging").text
    # nobody has set up payouts yet: the payouts work says so beside each award
    assert "waiting for onboarding" in dashboard and 'href="/challenges/grid/results"' in dashboard
    assert "Compute results</button>" not in dashboard
    review = client.get(f"{URL}/{snapshot.id}").text
    assert (
        "Winners approved" in review
        and "waiting for onboarding" in review
        and "Approve winners" not in review
    )


def test_a_pick_below_the_passing_score_is_refused(client: FlaskClient, auth: AuthActions) -> None:
    example = example_world()
    db.session.get(JudgingSettings, example.challenge.id).passing_score = 70
    db.session.commit()
    snapshot = computed(example, client, auth)
    page = client.get(f"{URL}/{snapshot.id}").text
    assert f'value="{example.sid(2)}"' not in page  # only passing entries are offered
    refused = client.post(
        f"{URL}/{snapshot.id}/approve",
        data=picks_for(example, 3, 2, reason="S2 is better, honestly."),
    )
    assert refused.status_code == 422
    assert "Second prize: the entry ranked 3 did not reach the passing score (70)" in refused.text
    assert f'<option selected value="{example.sid(2)}">#3 ' in refused.text  # the pick stays shown
    db.session.refresh(snapshot)
    assert all_awards() == [] and snapshot.state == "computed"


def test_a_mapping_that_differs_from_the_computed_order_needs_a_published_reason(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    snapshot = computed(example, client, auth)
    bare = client.post(f"{URL}/{snapshot.id}/approve", data=picks_for(example, 1, 3))
    assert bare.status_code == 422 and "explain why in at least 10 characters" in bare.text
    assert all_awards() == []
    twice = client.post(
        f"{URL}/{snapshot.id}/approve", data=picks_for(example, 1, 1, reason="S1 twice, why not.")
    )
    assert twice.status_code == 422 and "at most one placed prize" in twice.text
    reason = "The panel could not verify the field data of S3."
    done = client.post(f"{URL}/{snapshot.id}/approve", data=picks_for(example, 1, 3, reason=reason))
    assert done.status_code == 302
    assert [a.submission_id for a in all_awards()] == [example.sid(1), example.sid(3)]
    db.session.refresh(snapshot)
    assert snapshot.adjustment_reason == reason
    assert reason in client.get(f"{URL}/{snapshot.id}").text


def test_leaving_a_prize_unawarded_while_entries_pass_also_needs_a_reason(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    snapshot = computed(example, client, auth)
    second = tiers_of(example)[1]
    data = {**picks_for(example, 3), f"tier_{second.id}": "0"}
    assert client.post(f"{URL}/{snapshot.id}/approve", data=data).status_code == 422
    data["reason"] = "Only one entry met the brief in full."
    assert client.post(f"{URL}/{snapshot.id}/approve", data=data).status_code == 302
    assert [a.submission_id for a in all_awards()] == [example.sid(3)]


def test_declining_is_refused_while_an_entry_passes(client: FlaskClient, auth: AuthActions) -> None:
    example = example_world()
    snapshot = computed(example, client, auth)
    refused = client.post(
        f"{URL}/{snapshot.id}/decline", data={"decline-reason": "We changed our minds."}
    )
    assert refused.status_code == 409 and "4 ranked entries reach the passing score" in refused.text
    db.session.refresh(example.challenge)
    assert example.challenge.awarded_at is None
    db.session.refresh(snapshot)
    assert snapshot.state == "computed"


def test_declining_when_nothing_passes_publishes_the_reason(
    client: FlaskClient, auth: AuthActions, mails
) -> None:
    example = example_world()
    db.session.get(JudgingSettings, example.challenge.id).passing_score = 95
    db.session.commit()
    snapshot = computed(example, client, auth)
    page = client.get(f"{URL}/{snapshot.id}").text
    assert "Decline to award" in page and 'data-confirm="Decline to award any prize?' in page
    short = client.post(f"{URL}/{snapshot.id}/decline", data={"decline-reason": "No."})
    assert short.status_code == 422
    reason = "No entry reached the passing score of 95."
    assert (
        client.post(f"{URL}/{snapshot.id}/decline", data={"decline-reason": reason}).status_code
        == 302
    )
    db.session.refresh(snapshot)
    assert (snapshot.state, snapshot.adjustment_reason) == (SnapshotState.DECLINED, reason)
    db.session.refresh(example.challenge)
    assert example.challenge.awarded_at is not None and all_awards() == []
    assert any("No prizes awarded" in m.subject for m in mails)
    assert (
        client.post(f"{URL}/{snapshot.id}/approve", data=picks_for(example, 3)).status_code == 409
    )


def test_a_stale_snapshot_shows_a_banner_and_cannot_be_approved(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    snapshot = computed(example, client, auth)
    cast(example.entries[4], add_voters(1), 1, 0)
    page = client.get(f"{URL}/{snapshot.id}").text
    assert 'id="stale-banner"' in page and "Compute results again" in page
    refused = client.post(f"{URL}/{snapshot.id}/approve", data=picks_for(example, 3, 1))
    assert refused.status_code == 409 and "Compute results again, then approve" in refused.text
    assert all_awards() == []
    assert "stale" in client.get("/challenges/grid/judging").text


def test_a_superseded_snapshot_cannot_be_approved(client: FlaskClient, auth: AuthActions) -> None:
    example = example_world()
    first = computed(example, client, auth)
    second = computed(example, client, auth)
    page = client.get(f"{URL}/{first.id}").text
    assert 'id="superseded-banner"' in page and "Approve winners" not in page
    refused = client.post(f"{URL}/{first.id}/approve", data=picks_for(example, 3, 1))
    assert refused.status_code == 409 and "superseded" in refused.text
    assert (
        client.post(f"{URL}/{second.id}/approve", data=picks_for(example, 3, 1)).status_code == 302
    )


def test_peoples_choice_defaults_to_the_best_wilson_bound_and_need_not_pass(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    tier = PrizeTier(
        challenge_id=example.challenge.id, place=3, label="People's Choice", amount=100_000
    )
    db.session.add(tier)
    example.challenge.purse_amount += tier.amount
    example.challenge.funded_amount += tier.amount
    example.challenge.community_voting = True
    db.session.flush()
    settings = db.session.get(JudgingSettings, example.challenge.id)
    settings.peoples_choice_tier_id, settings.passing_score = tier.id, 70
    voters = add_voters(20)
    cast(example.entries[2], voters, 8, 2)
    cast(example.entries[4], voters[10:], 5, 0)  # 5/0 has the better Wilson bound than 8/2
    snapshot = computed(example, client, auth)
    page = client.get(f"{URL}/{snapshot.id}").text
    select = re.search(rf'<select[^>]*name="tier_{tier.id}".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option selected value="{example.sid(4)}"', select)
    data = {**picks_for(example, 3, 1), f"tier_{tier.id}": str(example.sid(4))}
    assert client.post(f"{URL}/{snapshot.id}/approve", data=data).status_code == 302
    choice = db.session.scalars(sa.select(Award).where(Award.prize_tier_id == tier.id)).one()
    assert (choice.submission_id, choice.kind, choice.rank) == (
        example.sid(4),
        "peoples_choice",
        None,
    )


def test_awards_beyond_the_funded_purse_are_refused_as_an_invariant(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    snapshot = computed(example, client, auth)
    example.challenge.funded_amount = 1_200_000
    db.session.commit()
    refused = client.post(f"{URL}/{snapshot.id}/approve", data=picks_for(example, 3, 1))
    assert refused.status_code == 409 and "invariant" in refused.text
    assert all_awards() == []
    db.session.refresh(example.challenge)
    assert example.challenge.awarded_at is None


def test_the_ranking_is_paginated_fifty_rows_at_a_time_with_tie_warnings(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    owner_id = example.world.owner.id
    extra = [
        Submission(
            challenge_id=example.challenge.id,
            owner_id=owner_id,
            title=f"Bulk {n}",
            status="submitted",
        )
        for n in range(116)
    ]
    db.session.add_all(extra)
    db.session.flush()
    db.session.execute(
        sa.insert(ResultRow),
        [
            dict(
                snapshot_id=snapshot.id,
                rank=5 + n,
                submission_id=entry.id,
                final_score=40 - n / 10,
                calibrated_score=40 - n / 10,
                raw_mean=40,
                criterion_means={},
                review_count=1,
                needs_panel_resolution=n < 2,
            )
            for n, entry in enumerate(extra)
        ],
    )
    db.session.commit()
    auth.login(example.world.owner.email)
    first = client.get(f"{URL}/{snapshot.id}")
    assert first.status_code == 200 and _ranks(first.text) == list(range(1, 51))
    assert f'href="{URL}/{snapshot.id}?page=2"' in first.text
    assert 'id="panel-resolution"' in first.text
    assert "the panel orders them, with a rationale, or applies steps 5–6" in first.text
    assert _ranks(client.get(f"{URL}/{snapshot.id}?page=3").text) == list(range(101, 121))


def _ranks(page: str) -> list[int]:
    table = page[page.index('id="ranking-table"') :]
    body = table[table.index("<tbody>") : table.index("</tbody>")]
    return [int(rank) for rank in re.findall(r"<tr[^>]*>\s*<td>(\d+)", body)]
