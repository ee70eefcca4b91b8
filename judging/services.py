"""The judging services in one place: rubric, panel, assignment and reviews (verb_noun, actor)."""

from judging.assigning import (
    AssignmentReport,
    assign_judges,
    get_assignment,
    swap_judge,
    void_for_conflict,
)
from judging.awards import approve_winners, award_status, decline_awards
from judging.panel import accept_judging, decline_judging, get_judge, invite_judge, remove_judge
from judging.result_inputs import inputs_hash
from judging.results import compute_results
from judging.reviews import PanelReview, other_reviews, save_review
from judging.rubric import (
    CriterionInput,
    change_rubric_with_note,
    criteria_of,
    set_rubric,
    settings_for,
)

__all__ = [
    "AssignmentReport",
    "CriterionInput",
    "PanelReview",
    "accept_judging",
    "approve_winners",
    "assign_judges",
    "award_status",
    "change_rubric_with_note",
    "compute_results",
    "criteria_of",
    "decline_awards",
    "decline_judging",
    "get_assignment",
    "get_judge",
    "inputs_hash",
    "invite_judge",
    "other_reviews",
    "remove_judge",
    "save_review",
    "set_rubric",
    "settings_for",
    "swap_judge",
    "void_for_conflict",
]
