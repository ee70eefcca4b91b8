"""Validated challenge input, shared by creation and editing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from challenges.models import CATEGORIES
from challenges.openness import (
    IpOnAward,
    JudgingTransparency,
    SolutionVisibility,
    SubmissionLicense,
)
from core.errors import ValidationFailed
from core.money import CURRENCIES, max_purse, too_large_message
from core.timefmt import is_valid_zone, window_error

MAX_TIERS = 10
MAX_TAGS = 8
MAX_TAG_LENGTH = 30
VOTING_NEEDS_PUBLIC_ENTRIES = _l(
    "Community voting needs solutions the public can read while voting runs: choose “Open” "
    "under “Who sees solutions”, or turn community voting off."
)
# How the refusal of an unknown choice names each openness dimension.
_CHOICE_NAMES = {
    "solution_visibility": _l("Choose one of the listed options for visibility."),
    "submission_license": _l("Choose one of the listed options for the license."),
    "ip_on_award": _l("Choose one of the listed options for IP on award."),
    "judging_transparency": _l("Choose one of the listed options for transparency."),
}


@dataclass
class TierInput:
    label: str
    amount: int


@dataclass
class ChallengeInput:
    title: str
    summary: str
    category: str
    tags: list[str]
    description_md: str
    rules_md: str
    eligibility_md: str
    currency: str
    timezone: str
    opens_at: datetime
    closes_at: datetime
    judging_ends_at: datetime
    max_team_size: int
    community_voting: bool
    solution_visibility: str
    submission_license: str
    ip_on_award: str
    judging_transparency: str
    tiers: list[TierInput] = field(default_factory=list)
    change_note: str = ""

    @property
    def purse_amount(self) -> int:
        return sum(tier.amount for tier in self.tiers)


def normalize_tags(text: str) -> list[str]:
    tags: list[str] = []
    for raw in text.split(","):
        tag = " ".join(raw.strip().lower().split())[:MAX_TAG_LENGTH]
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _choice(value: str, allowed: type, field_name: str) -> None:
    if value not in {member.value for member in allowed}:
        raise ValidationFailed(str(_CHOICE_NAMES[field_name]), field=field_name)


def validate_input(data: ChallengeInput, now: datetime) -> None:
    """Rules every draft obeys; raise ``ValidationFailed`` naming the field at fault."""
    if data.category not in CATEGORIES:
        raise ValidationFailed(_("Choose a category from the list."), field="category")
    if data.currency not in CURRENCIES:
        raise ValidationFailed(_("Choose a currency from the list."), field="currency")
    if not is_valid_zone(data.timezone):
        raise ValidationFailed(_("Choose a time zone from the list."), field="timezone")
    if len(data.tags) > MAX_TAGS:
        raise ValidationFailed(_("Use at most %(num)s tags.", num=MAX_TAGS), field="tags")
    if not data.opens_at < data.closes_at:
        raise ValidationFailed(_("The challenge must open before it closes."), field="closes_at")
    if data.closes_at <= now:
        raise ValidationFailed(_("The closing time must be in the future."), field="closes_at")
    if not data.closes_at < data.judging_ends_at:
        raise ValidationFailed(
            _("Judging must end after the challenge closes."), field="judging_ends_at"
        )
    for name in ("opens_at", "closes_at", "judging_ends_at"):
        if message := window_error(getattr(data, name), now):
            raise ValidationFailed(message, field=name)
    if not 1 <= data.max_team_size <= 20:
        raise ValidationFailed(_("Teams may have 1 to 20 members."), field="max_team_size")
    _choice(data.solution_visibility, SolutionVisibility, "solution_visibility")
    _choice(data.submission_license, SubmissionLicense, "submission_license")
    _choice(data.ip_on_award, IpOnAward, "ip_on_award")
    _choice(data.judging_transparency, JudgingTransparency, "judging_transparency")
    if data.community_voting and data.solution_visibility != SolutionVisibility.PUBLIC_ON_SUBMIT:
        # The public votes on entries it reads: hidden until results (or for good), the
        # ballot would be empty and the People's Choice a promise nobody could keep.
        raise ValidationFailed(str(VOTING_NEEDS_PUBLIC_ENTRIES), field="community_voting")
    if not data.tiers:
        raise ValidationFailed(_("Add at least one prize."), field="tiers")
    if len(data.tiers) > MAX_TIERS:
        raise ValidationFailed(_("Use at most %(num)s prizes.", num=MAX_TIERS), field="tiers")
    if data.purse_amount > max_purse(data.currency):
        raise ValidationFailed(too_large_message(data.currency), field="tiers")
    for tier in data.tiers:
        if tier.amount <= 0:
            raise ValidationFailed(_("Every prize must be greater than zero."), field="tiers")
        if not tier.label.strip():
            raise ValidationFailed(
                _("Give every prize a label, such as “First prize”."), field="tiers"
            )
