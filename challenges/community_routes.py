"""Q&A, updates and follows on the challenge page."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.forms import ConfirmForm
from challenges import bp, community
from challenges.forms import AnswerForm, QuestionForm, UpdateForm
from challenges.models import Question
from challenges.routes import render_challenge_page
from challenges.services import get_challenge
from core.db import db
from core.forms import domain_errors


def _anchor(slug: str, fragment: str) -> str:
    return url_for("challenges.show", slug=slug) + f"#{fragment}"


@bp.post("/challenges/<slug>/questions")
@login_required
def ask(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    form = QuestionForm()
    if not form.validate_on_submit():
        flash(_("Write your question (up to 5,000 characters)."), "danger")
        return redirect(_anchor(slug, "questions"))
    with domain_errors(form) as refused:
        community.ask_question(actor=current_user, challenge=challenge, body=form.body.data)
    if refused:
        return render_challenge_page(challenge, question_form=form, status=refused.status)
    flash(_("Your question is posted. You will get an e-mail when it is answered."), "success")
    return redirect(_anchor(slug, "questions"))


@bp.post("/challenges/<slug>/questions/<int:question_id>/answer")
@login_required
def answer(slug: str, question_id: int) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    question = db.session.get(Question, question_id)
    if question is None or question.challenge_id != challenge.id:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(_("Write an answer (up to 5,000 characters)."), "danger")
        return redirect(_anchor(slug, "questions"))
    community.answer_question(actor=current_user, question=question, answer=form.answer.data)
    flash(_("Answer published; followers were e-mailed."), "success")
    return redirect(_anchor(slug, f"q{question.id}"))


@bp.post("/challenges/<slug>/updates")
@login_required
def post_update(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    form = UpdateForm()
    if not form.validate_on_submit():
        flash(_("An update needs a title and a text."), "danger")
        return redirect(_anchor(slug, "updates"))
    community.post_update(
        actor=current_user, challenge=challenge, title=form.title.data, body=form.body.data
    )
    flash(_("Update posted; followers were e-mailed."), "success")
    return redirect(_anchor(slug, "updates"))


@bp.post("/challenges/<slug>/follow")
@login_required
def follow(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if ConfirmForm().validate_on_submit():
        community.follow(actor=current_user, challenge=challenge)
        flash(_("You follow this challenge: updates and answers come by e-mail."), "success")
    return redirect(url_for("challenges.show", slug=slug))


@bp.post("/challenges/<slug>/unfollow")
@login_required
def unfollow(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if ConfirmForm().validate_on_submit():
        community.unfollow(actor=current_user, challenge=challenge)
        flash(_("You no longer follow this challenge."), "info")
    return redirect(url_for("challenges.show", slug=slug))
