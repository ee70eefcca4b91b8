"""The reliability panel from real reviews (docs/judging.md), its bias chart, judge reminders."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from accounts.models import User
from core.audit import AuditEntry
from core.db import db, frozen_time, utcnow
from core.errors import Conflict, PermissionDenied
from core.mail import outbox
from judging import services
from judging.algorithms.reliability import (
    LOW_AGREEMENT,
    MISSING_COMMENTS,
    NEGATIVE_CORRELATION,
    OUTLIER_BIAS,
    ZERO_VARIANCE,
)
from judging.models import Assignment, AssignmentState, Judge, Round
from judging.models import Review as ReviewRow
from judging.panel.reliability_panel import (
    FLAGGED_COLOUR,
    MIN_OVERLAP_ENTRIES,
    ZERO_X,
    JudgeReliability,
    bias_chart,
    chart_scale,
    reliability_panel,
)
from judging.panel.reminders import remind_due_judges, remind_late_judges
from tests.factories import make_user
from tests.judging_support import (
    DAY,
    World,
    judging_world,
)
from tests.panel_health_support import EXAMPLE, scored_world, scores_for

SVG = "{http://www.w3.org/2000/svg}"


def test_the_panel_reproduces_the_judging_example_through_real_reviews() -> None:
    world = scored_world(EXAMPLE)
    health = reliability_panel(world.challenge)
    assert health.enough and health.reviews == 8 and health.overlapping == 4
    assert health.alpha_raw.alpha == pytest.approx(0.097938, abs=5e-7)
    assert health.alpha_calibrated.alpha == pytest.approx(0.513910, abs=5e-7)
    assert health.icc.single == pytest.approx(0.112426, abs=5e-7)
    assert health.flags == (LOW_AGREEMENT,)
    a, b, c = health.judges
    assert [j.bias for j in (a, b, c)] == pytest.approx([502 / 63, -520 / 63, 2 / 7], abs=1e-6)
    assert (a.done, a.assigned, c.done, c.assigned) == (3, 3, 2, 2)
    assert a.mean_raw == pytest.approx(256 / 3) and c.mean_raw == pytest.approx(65)
    assert a.label == "Judge1 <judge1@judge1.example>"


def test_void_assignments_drafts_and_other_rounds_do_not_count() -> None:
    world = scored_world(EXAMPLE)
    first = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()
    refill = services.void_for_conflict(
        actor=world.owner, assignment=first, reason="Former co-worker."
    )
    assert refill.judge_id == world.judges[1].id  # B takes A's place on S1
    services.save_review(
        actor=world.judges[1].user, assignment=refill, scores=scores_for(world, 10), submit=False
    )
    finalist = Assignment(
        judge_id=world.judges[2].id,
        submission_id=world.entries[1].id,
        round=Round.FINALIST,
        state=AssignmentState.SUBMITTED,
        blind_label="Entry #f",
    )
    db.session.add(ReviewRow(assignment=finalist, score_total=99.0, submitted_at=utcnow()))
    db.session.commit()
    health = reliability_panel(world.challenge)
    assert health.reviews == 7
    a, b, c = health.judges
    assert (a.done, a.assigned, b.done, b.assigned, c.done, c.assigned) == (2, 2, 3, 4, 2, 2)


def test_flags_name_the_constant_the_contrary_and_the_silent_judge() -> None:
    # X agrees, leaves no feedback and one criterion comment in four; Y agrees 10 points
    # higher and comments on half the criteria; Z reverses the order; W gives 50 everywhere.
    table = [[20, 30, 80, 50], [40, 50, 60, 50], [60, 70, 40, 50], [80, 90, 20, 50]]
    world = scored_world(table, comments=[1, 2])
    health = reliability_panel(world.challenge)
    x, y, z, w = health.judges
    assert x.flags == (MISSING_COMMENTS,)
    assert y.flags == ()  # exactly half its comments empty is not "more than half"
    assert z.flags == (NEGATIVE_CORRELATION,)
    assert w.flags == (ZERO_VARIANCE,)
    assert [j.judge_id for j in health.flagged] == [x.judge_id, z.judge_id, w.judge_id]
    assert "no feedback" in x.flag_words[0] and z.flag_names == ["Disagrees with co-judges"]


def test_a_judge_far_more_lenient_than_six_colleagues_is_flagged_for_outlier_bias() -> None:
    table = [[q] * 6 + [q + 24] for q in (30, 50, 70)]
    health = reliability_panel(scored_world(table).challenge)
    assert [j.flags for j in health.judges] == [()] * 6 + [(OUTLIER_BIAS,)]
    assert health.judges[6].bias > 10 and health.alpha_raw.alpha < health.alpha_calibrated.alpha


def test_too_few_overlapping_reviews_give_no_numbers() -> None:
    world = scored_world([[60, 70], [50, 40], [80, None]])
    health = reliability_panel(world.challenge)
    assert health.overlapping == 2 < MIN_OVERLAP_ENTRIES and not health.enough
    assert health.alpha_raw is None and health.alpha_calibrated is None and health.icc is None
    assert [j.bias for j in health.judges] == [None, None]
    assert [j.done for j in health.judges] == [3, 2]
    assert bias_chart(health.judges) == ""


def test_a_panel_without_assignments_is_empty_and_not_enough() -> None:
    world = judging_world(entry_count=1, judge_count=1, k=1)
    health = reliability_panel(world.challenge)
    assert health.judges == [] and not health.enough and health.reviews == 0


def test_the_panel_reads_with_three_queries_however_many_reviews_there_are() -> None:
    world = scored_world([*EXAMPLE, [None, 30, 90], [55, 45, None], [70, None, 75]])
    assert world.challenge.id  # loaded before counting
    statements: list[str] = []

    def listener(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        health = reliability_panel(world.challenge)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert health.reviews == 14 and len(statements) <= 3, statements


# The chart ------------------------------------------------------------------------------


def _judge(n: int, bias: float, flags: tuple[str, ...] = (), label: str = "") -> JudgeReliability:
    return JudgeReliability(n, label or f"Judge {n}", 3, 3, 60.0, bias, flags)


def _bars(svg: str) -> list[ET.Element]:
    return ET.fromstring(svg).findall(f"{SVG}rect")


def test_the_chart_scale_is_a_round_number_of_points_covering_every_bias() -> None:
    assert [chart_scale(v) for v in ([0.2], [1.5], [-4.2, 3], [8.25], [12], [])] == [
        1,
        2,
        5,
        10,
        20,
        1,
    ]


def test_bars_start_at_the_zero_line_and_are_proportional_to_the_bias() -> None:
    svg = str(bias_chart([_judge(1, 2.5), _judge(2, -5.0), _judge(3, 0.0)]))
    root = ET.fromstring(svg)
    zero = root.find(f"{SVG}line[@class='bias-zero']")
    assert float(zero.get("x1")) == float(zero.get("x2")) == ZERO_X == 420
    plus, minus, nothing = _bars(svg)
    assert (float(plus.get("x")), float(plus.get("width"))) == (420, 100)  # scale ±5 over 200
    assert (float(minus.get("x")), float(minus.get("width"))) == (220, 200)
    assert float(nothing.get("width")) == 0
    assert [t.text for t in root.findall(f"{SVG}text")][:5] == [
        "−5.0",
        "−2.5",
        "0.0",
        "+2.5",
        "+5.0",
    ]


def test_flagged_judges_are_red_with_the_flag_named_in_the_bar_title() -> None:
    svg = str(bias_chart([_judge(1, 1.0), _judge(2, 9.0, (OUTLIER_BIAS, MISSING_COMMENTS))]))
    calm, odd = _bars(svg)
    assert calm.get("fill") != FLAGGED_COLOUR and odd.get("fill") == FLAGGED_COLOUR
    assert odd.find(f"{SVG}title").text == (
        "Judge 2: +9.0 points; flagged: Outlier bias, Missing comments"
    )


def test_the_chart_is_labelled_for_screen_readers_and_needs_no_script_or_style() -> None:
    svg = str(bias_chart([_judge(1, 1.0)], chart_id="c1"))
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{SVG}title").get("id") == "c1-title"
    assert "points" in root.find(f"{SVG}desc").text
    assert "<script" not in svg
    for element in root.iter():
        assert not [name for name in element.attrib if name == "style" or name.startswith("on")]


def test_judge_names_are_escaped_in_the_chart() -> None:
    svg = str(bias_chart([_judge(1, 1.0, label="<script>alert(1)</script> & co")]))
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
    ET.fromstring(svg)  # still well-formed


# Reminders ------------------------------------------------------------------------------


def reminder_world() -> World:
    """Four entries, three judges, two per entry; judge1 finishes, the others do not."""
    world = judging_world(entry_count=4, judge_count=3, k=2)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    world.judges[1].user.timezone = "Europe/Berlin"
    db.session.commit()
    done = world.judges[0]
    criteria = services.criteria_of(world.challenge)
    for row in db.session.scalars(sa.select(Assignment).where(Assignment.judge_id == done.id)):
        services.save_review(
            actor=done.user, assignment=row, scores={c.id: 4 for c in criteria}, submit=True
        )
    outbox().clear()  # invitations and assignment notices
    return world


def _open_counts(world: World) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Judge.email, sa.func.count())
        .join(Assignment, Assignment.judge_id == Judge.id)
        .where(Assignment.state.in_([AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS]))
        .group_by(Judge.email)
    )
    return dict(rows.all())


def test_late_judges_get_one_mail_with_their_count_deadline_in_their_zone_and_link(
    mails: list,
) -> None:
    world = reminder_world()
    assert remind_late_judges(actor=world.owner, challenge=world.challenge) == 2
    open_counts = _open_counts(world)
    by_to = {mail.to: mail for mail in mails}
    assert set(by_to) == {"judge2@judge2.example", "judge3@judge3.example"}
    berlin = by_to["judge2@judge2.example"]
    n = open_counts["judge2@judge2.example"]
    assert f"You still have {n} entries to review" in berlin.body
    assert "(Europe/Berlin)" in berlin.body and "/judging" in berlin.body
    ends = world.challenge.judging_ends_at
    assert f"{ends:%d %b %Y, %H:%M} UTC" in by_to["judge3@judge3.example"].body
    assert world.judges[1].reminded_at is not None and world.judges[0].reminded_at is None
    entry = db.session.scalar(sa.select(AuditEntry).filter_by(action="judging.remind"))
    assert (entry.actor_id, entry.object_id, entry.detail) == (
        world.owner.id,
        world.challenge.id,
        "2 judges",
    )


def test_nobody_is_reminded_twice_within_24_hours(mails: list) -> None:
    world = reminder_world()
    remind_late_judges(actor=world.owner, challenge=world.challenge)
    mails.clear()
    manager = db.session.scalar(sa.select(User).filter_by(handle="manager"))
    with frozen_time(utcnow() + timedelta(hours=23)):
        assert remind_late_judges(actor=manager, challenge=world.challenge) == 0
        assert remind_due_judges() == []  # judging ends in 18 days: cron leaves it alone
    assert mails == []
    with frozen_time(utcnow() + timedelta(hours=25)):
        assert remind_late_judges(actor=manager, challenge=world.challenge) == 2
    assert len(mails) == 2


def test_void_assignments_and_inactive_judges_are_not_reminded(mails: list) -> None:
    world = reminder_world()
    late = world.judges[2]
    for row in db.session.scalars(sa.select(Assignment).where(Assignment.judge_id == late.id)):
        row.state, row.voided_at = AssignmentState.VOID, utcnow()
    services.invite_judge(actor=world.owner, challenge=world.challenge, email="new@new.example")
    db.session.commit()
    assert remind_late_judges(actor=world.owner, challenge=world.challenge) == 1
    assert [mail.to for mail in mails if "Reminder" in mail.subject] == ["judge2@judge2.example"]


def test_reminders_are_refused_outside_the_judging_window() -> None:
    world = reminder_world()
    with frozen_time(world.challenge.judging_ends_at), pytest.raises(Conflict, match="ended"):
        remind_late_judges(actor=world.owner, challenge=world.challenge)
    with (
        frozen_time(world.challenge.closes_at - DAY),
        pytest.raises(Conflict, match="once judging starts"),
    ):
        remind_late_judges(actor=world.owner, challenge=world.challenge)
    assert all(judge.reminded_at is None for judge in world.judges)


@pytest.mark.parametrize("who", ["member", "judge", "admin", "solver"])
def test_only_sponsor_owners_and_managers_remind_judges(who: str, mails: list) -> None:
    world = reminder_world()
    actor = {
        "member": lambda: db.session.scalar(sa.select(User).filter_by(handle=who)),
        "judge": lambda: world.judges[1].user,
        "admin": lambda: make_user("admin", admin=True),
        "solver": lambda: world.entries[0].owner,
    }[who]()
    with pytest.raises(PermissionDenied):
        remind_late_judges(actor=actor, challenge=world.challenge)
    assert mails == []


def test_the_cron_command_reminds_where_judging_ends_within_three_days(
    app: Flask, mails: list
) -> None:
    world = reminder_world()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["judging", "remind"])
    assert result.exit_code == 0 and "No challenge ends judging within 3 days" in result.output
    assert mails == []
    world.challenge.judging_ends_at = utcnow() + 2 * DAY
    db.session.commit()
    result = runner.invoke(args=["judging", "remind"])
    assert result.stdout.strip() == "grid: Reminded 2 judges."
    assert len(mails) == 2
    result = runner.invoke(args=["judging", "remind"])
    assert "grid: Nobody to remind" in result.output and len(mails) == 2
