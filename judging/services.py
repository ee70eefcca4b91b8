"""The judging services pages, the demo and tests call most, gathered from panel/ and results/."""

from judging.panel.assignments import (
    AssignmentReport,
    assign_judges,
    get_assignment,
    swap_judge,
    void_for_conflict,
)
from judging.panel.judges import (
    accept_judging,
    decline_judging,
    get_judge,
    invite_judge,
    remove_judge,
)
from judging.panel.reviews import PanelReview, other_reviews, save_review
from judging.panel.rubric import CriterionInput, change_rubric_with_note, set_rubric
from judging.results.awards import approve_winners, award_status, decline_awards
from judging.results.compute import compute_results
from judging.results.inputs import inputs_hash
from judging.settings import criteria_of, settings_for

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
