"""Diversity analytics: sponsors see suppressed counts; nobody sees a group under five."""

from __future__ import annotations

import csv
import io

from accounts.models import OrgRole
from judging.diversity import queries
from judging.diversity.report import sections
from tests.conftest import AuthActions
from tests.diversity_support import entry, solver
from tests.factories import add_member, make_challenge, make_org, make_user
from tests.results_support import freeze


def _world() -> tuple[object, object]:
    """An Energy & climate challenge: 8 Europe physical scientists (insiders), 6 computing
    people from Africa (outsiders), 2 from Oceania (a group under five), 5 prefer-not-to-say."""
    sponsor = make_user("sponsor")
    org = make_org("Grid Co", owner=sponsor)
    challenge = make_challenge(org, phase="judging", slug="grid")
    people = [solver(f"eu{i}", region="europe", discipline="physical_sciences") for i in range(8)]
    people += [solver(f"af{i}", region="africa", discipline="computing") for i in range(6)]
    people += [solver(f"oc{i}", region="oceania", discipline="computing") for i in range(2)]
    people += [
        solver(f"shy{i}", region="prefer_not_to_say", discipline="prefer_not_to_say")
        for i in range(5)
    ]
    for i, person in enumerate(people):
        entry(challenge, [person], finalist=i < 5)
    return challenge, sponsor


def test_outsiders_first_timers_and_suppression_on_constructed_data() -> None:
    challenge, _ = _world()
    shown = {s.key: s.table for s in sections(queries.breakdown(queries.challenge_ids(challenge)))}
    outsiders = shown["outsiders.entrants"]
    assert outsiders.count_of(queries.OUTSIDER) == 8  # 6 Africa + 2 Oceania, all computing
    assert outsiders.count_of(queries.INSIDER) == 8
    assert outsiders.count_of(queries.UNDECLARED) == 5  # prefer not to say
    finalists = shown["outsiders.finalists"]  # eu0..eu4: all physical scientists
    assert [(c.label, c.count) for c in finalists.cells] == [(queries.INSIDER, 5)]
    assert shown["outsiders.winners"].suppressed  # no awards yet


def test_other_under_five_takes_the_smallest_shown_group() -> None:
    challenge, _ = _world()
    regions = next(
        s.table
        for s in sections(queries.breakdown(queries.challenge_ids(challenge)))
        if s.key == "region.entrants"
    )
    # Oceania (2) is under five and so would "Other" be: "Prefer not to say" (5), the
    # smallest shown group, joins it, so the total minus the shown groups reveals nothing.
    shown = [(c.label, c.count) for c in regions.cells]
    assert shown == [("Africa", 6), ("Europe", 8), ("Other", 7)]
    assert regions.cells[2].members == ("Oceania", "Prefer not to say")


def test_first_time_solvers_count_only_a_first_platform_entry() -> None:
    sponsor = make_user("sponsor")
    org = make_org("Grid Co", owner=sponsor)
    earlier = make_challenge(org, phase="awarded", slug="earlier")
    later = make_challenge(org, phase="judging", slug="later")
    veterans = [solver(f"v{i}") for i in range(5)]
    newcomers = [solver(f"n{i}") for i in range(6)]
    for person in veterans:
        entry(earlier, [person], days_ago=60)
        entry(later, [person], days_ago=5)
    for person in newcomers:
        entry(later, [person], days_ago=5)
    data = queries.breakdown(queries.challenge_ids(later))
    assert data.first_time == {queries.FIRST_TIME: 6, queries.RETURNING: 5}


def test_team_entries_and_winners() -> None:
    sponsor = make_user("sponsor")
    org = make_org("Grid Co", owner=sponsor)
    challenge = make_challenge(org, phase="judging", slug="grid")
    people = [solver(f"p{i}", discipline="computing") for i in range(12)]
    teams = [entry(challenge, people[i : i + 2]) for i in range(0, 6, 2)]
    solos = [entry(challenge, [person]) for person in people[6:]]
    freeze(challenge, teams + solos)  # two prize tiers: the first two teams win
    data = queries.breakdown(queries.challenge_ids(challenge))
    assert data.teams == {queries.TEAM: 3, queries.SOLO: 6}
    assert data.outsiders["winners"] == {queries.OUTSIDER: 4}


def test_sponsor_sees_page_with_counts_and_no_small_group(client, auth: AuthActions) -> None:
    challenge, sponsor = _world()
    auth.login(sponsor.email)
    page = client.get(f"/challenges/{challenge.slug}/analytics")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Who entered" in html and "<svg" in html and "<caption" in html
    assert '<th scope="row" class="fw-normal">Europe</th><td class="text-end">8</td>' in html
    assert "Oceania" not in html


def test_csv_has_only_shown_cells(client, auth: AuthActions) -> None:
    challenge, sponsor = _world()
    auth.login(sponsor.email)
    response = client.get(f"/challenges/{challenge.slug}/analytics.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="grid-analytics.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["scope", "measure", "group", "count", "share"]
    counts = [row[3] for row in rows[1:]]
    assert all(not c.isdigit() or int(c) >= 5 for c in counts)
    assert ["grid", "region.entrants", "Europe", "8", "0.381"] in rows
    assert not any(row[2] == "Oceania" for row in rows)


def test_other_people_cannot_see_a_challenge_analytics(client, auth: AuthActions) -> None:
    challenge, _ = _world()
    member = make_user("member")
    add_member(challenge.organization, member, OrgRole.MEMBER)
    for email in ("member@example.org", "eu0@example.org"):
        auth.login(email)
        assert client.get(f"/challenges/{challenge.slug}/analytics").status_code == 403
        assert client.get(f"/challenges/{challenge.slug}/analytics.csv").status_code == 403
        auth.logout()
    assert client.get(f"/challenges/{challenge.slug}/analytics").status_code == 302
    assert client.get("/challenges/nope/analytics").status_code in {302, 404}


def test_platform_page_is_public_and_suppressed(client) -> None:
    sponsor = make_user("sponsor")
    org = make_org("Grid Co", owner=sponsor)
    awarded = make_challenge(org, phase="awarded", slug="done")
    for i in range(7):
        entry(awarded, [solver(f"s{i}", career_stage="student")])
    entry(awarded, [solver("r0", career_stage="retired")])
    html = client.get("/impact/diversity").get_data(as_text=True)
    assert "Who solves challenges" in html
    assert '<th scope="row" class="fw-normal">Student</th><td class="text-end">7</td>' not in html
    assert '<th scope="row" class="fw-normal">Retired</th>' not in html
    # Student (7) stays; Retired (1) alone is under five, so Student's smallest-group merge
    # leaves only "Other" (8).
    assert '<th scope="row" class="fw-normal">Other</th><td class="text-end">8</td>' in html
    csv_response = client.get("/impact/diversity.csv")
    assert csv_response.mimetype == "text/csv"
    assert "Retired" not in csv_response.get_data(as_text=True)


def test_api_answers_the_platform_aggregate_only_with_no_small_group(client) -> None:
    sponsor = make_user("sponsor")
    org = make_org("Grid Co", owner=sponsor)
    awarded = make_challenge(org, phase="awarded", slug="done")
    for i in range(6):
        entry(awarded, [solver(f"s{i}", org_type="academic")])
    for i in range(3):
        entry(awarded, [solver(f"i{i}", org_type="industry")])
    body = client.get("/api/v1/impact/diversity").get_json()
    assert body["minimum"] == 5
    measures = {m["key"]: m for m in body["measures"]}
    org_types = measures["org_type.entrants"]
    assert org_types["total"] == 9
    assert [(g["label"], g["count"]) for g in org_types["groups"]] == [("Other", 9)]
    assert all(g["count"] >= 5 for m in body["measures"] for g in m["groups"])
    assert measures["region.winners"] == {
        "key": "region.winners",
        "title": "Winners by country or region",
        "total": None,
        "groups": [],
    }
    assert client.get("/api/v1/challenges/done/diversity").status_code == 404
