"""Questions and answers, sponsor updates and follows."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from accounts.policies import is_signed_in
from challenges.models import Challenge, ChallengeUpdate, Follow, Question
from challenges.notifications import FollowerNews, tell_followers
from challenges.policies import (
    ASKING_PHASES,
    can_answer_question,
    can_ask_question,
    can_follow,
    can_post_update,
    is_sponsor_member,
)
from core.db import db, utcnow
from core.errors import Conflict, ValidationFailed, ensure

MAX_TEXT = 5000


# What each text is called in its refusals: (empty, too long).
_REFUSALS = {
    "question": (_l("Write the question."), _l("Keep the question under %(num)s characters.")),
    "answer": (_l("Write the answer."), _l("Keep the answer under %(num)s characters.")),
    "title": (_l("Write the title."), _l("Keep the title under %(num)s characters.")),
    "update": (_l("Write the update."), _l("Keep the update under %(num)s characters.")),
}


def _text(value: str, field: str, what: str) -> str:
    value = value.strip()
    empty, too_long = _REFUSALS[what]
    if not value:
        raise ValidationFailed(str(empty), field=field)
    if len(value) > MAX_TEXT:
        raise ValidationFailed(str(too_long) % {"num": MAX_TEXT}, field=field)
    return value


def ask_question(*, actor: User, challenge: Challenge, body: str) -> Question:
    """A signed-in user asks publicly; the asker follows the challenge to hear the answer."""
    closed = challenge.published_at is not None and challenge.phase() not in ASKING_PHASES
    if closed and not is_sponsor_member(actor, challenge):
        raise Conflict(
            _(
                "Questions close with the challenge, and this one is no longer open, so your "
                "question was not posted. It is kept below: copy it if you want to keep it."
            ),
            field="body",
        )
    ensure(can_ask_question(actor, challenge), _("Questions are open while the challenge is."))
    question = Question(
        challenge_id=challenge.id, asker_id=actor.id, body=_text(body, "body", "question")
    )
    db.session.add(question)
    _ensure_following(actor, challenge)
    db.session.commit()
    return question


def answer_question(*, actor: User, question: Question, answer: str) -> Question:
    """A sponsor member answers publicly; followers are e-mailed."""
    challenge = db.session.get(Challenge, question.challenge_id)
    ensure(can_answer_question(actor, challenge), _("Only the sponsor answers questions."))
    question.answer = _text(answer, "answer", "answer")
    question.answered_by_id = actor.id
    question.answered_at = utcnow()
    tell_followers(
        challenge,
        FollowerNews.ANSWER,
        {"title": challenge.title, "question": question.body, "answer": question.answer},
        kind="qa",
    )
    db.session.commit()
    return question


def post_update(*, actor: User, challenge: Challenge, title: str, body: str) -> ChallengeUpdate:
    """A sponsor update on the challenge page; followers are e-mailed."""
    ensure(
        can_post_update(actor, challenge),
        _("Only the sponsor posts updates to a published challenge."),
    )
    update = ChallengeUpdate(
        challenge_id=challenge.id,
        author_id=actor.id,
        title=_text(title, "title", "title")[:120],
        body=_text(body, "body", "update"),
    )
    db.session.add(update)
    tell_followers(
        challenge,
        FollowerNews.UPDATE,
        {"title": challenge.title, "update": update.title, "body": update.body},
        kind="updates",
    )
    db.session.commit()
    return update


def _ensure_following(actor: User, challenge: Challenge) -> None:
    if db.session.get(Follow, (actor.id, challenge.id)) is None:
        db.session.add(Follow(user_id=actor.id, challenge_id=challenge.id))


def follow(*, actor: User, challenge: Challenge) -> None:
    ensure(can_follow(actor, challenge), _("Sign in to follow published challenges."))
    _ensure_following(actor, challenge)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # a double click followed already


def unfollow(*, actor: User, challenge: Challenge) -> None:
    follow_row = db.session.get(Follow, (actor.id, challenge.id))
    if follow_row is None:
        raise Conflict(_("You do not follow this challenge."))
    db.session.delete(follow_row)
    db.session.commit()


def is_following(user: User | None, challenge: Challenge) -> bool:
    if not is_signed_in(user):
        return False
    return db.session.get(Follow, (user.id, challenge.id)) is not None


def questions_for(challenge: Challenge) -> list[Question]:
    return list(
        db.session.scalars(
            sa.select(Question)
            .where(Question.challenge_id == challenge.id)
            .options(sa.orm.joinedload(Question.asker))
            .order_by(Question.created_at.desc())
        )
    )


def updates_for(challenge: Challenge) -> list[ChallengeUpdate]:
    return list(
        db.session.scalars(
            sa.select(ChallengeUpdate)
            .where(ChallengeUpdate.challenge_id == challenge.id)
            .order_by(ChallengeUpdate.published_at.desc())
        )
    )
