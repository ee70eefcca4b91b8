"""Pairwise judging reproduces the JUDGING §3 Crowd-BT and Bradley–Terry test vectors."""

from datetime import datetime, timedelta
from random import Random

import pytest

from judging.pairwise import (
    ItemBelief,
    JudgeBelief,
    PairItem,
    _digamma,
    bradley_terry,
    bt_probability,
    busy_item_ids,
    choose_next,
    crowd_bt_update,
    decision_rng,
    expected_information_gain,
    kl_beta,
    preferred_items,
    rank_items,
)

PRIOR = ItemBelief()
THREE_WAY = [(1, 2), (1, 2), (2, 1), (2, 3), (2, 3), (3, 2), (1, 3), (1, 3), (3, 1)]


class AlwaysExploit(Random):
    """A Random whose ε-draw always exploits; shuffle is untouched (it does not call random)."""

    def random(self) -> float:
        return 0.99


def test_first_vote_from_the_priors() -> None:
    judge, winner, loser = crowd_bt_update(JudgeBelief(), PRIOR, PRIOR)
    assert judge.alpha == pytest.approx(10, abs=1e-9)
    assert judge.beta == pytest.approx(1, abs=1e-9)
    assert winner.mu == pytest.approx(0.409091, abs=5e-7)
    assert loser.mu == pytest.approx(-0.409091, abs=5e-7)
    assert winner.sigma_sq == loser.sigma_sq == pytest.approx(0.832645, abs=5e-7)


def test_eig_between_two_prior_items() -> None:
    assert expected_information_gain(JudgeBelief(), PRIOR, PRIOR) == pytest.approx(
        0.183148, abs=5e-7
    )


def test_fresh_item_is_more_informative_against_the_winner() -> None:
    judge, winner, loser = crowd_bt_update(JudgeBelief(), PRIOR, PRIOR)
    fresh = expected_information_gain(judge, winner, PRIOR)
    seen = expected_information_gain(judge, winner, loser)
    assert fresh == pytest.approx(0.160577, abs=5e-7)
    assert seen == pytest.approx(0.128186, abs=5e-7)
    candidates = [PairItem(2, loser), PairItem(3, PRIOR)]
    assert choose_next(candidates, judge, winner, AlwaysExploit(0)) == 3


def test_fresh_item_winning_against_the_winner() -> None:
    judge, winner, _ = crowd_bt_update(JudgeBelief(), PRIOR, PRIOR)
    judge, fresh, old = crowd_bt_update(judge, PRIOR, winner)
    assert judge.alpha == pytest.approx(9.833418, abs=5e-7)
    assert judge.beta == pytest.approx(1.003801, abs=5e-7)
    assert (fresh.mu, old.mu) == pytest.approx((0.470023, 0.017729), abs=5e-7)
    assert (fresh.sigma_sq, old.sigma_sq) == pytest.approx((0.873900, 0.745220), abs=5e-7)


def test_kl_beta_is_zero_for_identical_beliefs_and_digamma_is_accurate() -> None:
    assert kl_beta(JudgeBelief(), JudgeBelief()) == pytest.approx(0, abs=1e-15)
    assert _digamma(1.0) == pytest.approx(-0.5772156649015329, abs=1e-11)
    assert _digamma(0.5) == pytest.approx(-1.9635100260214235, abs=1e-11)
    assert _digamma(11.0) == pytest.approx(2.3517525890667211, abs=1e-11)


def test_choice_is_replayable_from_the_round_judge_and_decision_count() -> None:
    items = [PairItem(i, ItemBelief(0.1 * i, 1.0)) for i in range(1, 9)]
    prev = ItemBelief(0.3, 0.8)
    picks = [choose_next(items, JudgeBelief(), prev, decision_rng(5, 7, n)) for n in range(20)]
    again = [choose_next(items, JudgeBelief(), prev, decision_rng(5, 7, n)) for n in range(20)]
    assert picks == again
    assert set(picks) <= set(range(1, 9))
    assert decision_rng(5, 7, 3).random() == Random("5:7:3").random()


def test_first_item_without_a_previous_one_is_the_first_after_shuffle() -> None:
    items = [PairItem(i) for i in range(1, 6)]
    shuffled = list(items)
    Random("1:2:0").shuffle(shuffled)
    assert choose_next(items, JudgeBelief(), None, decision_rng(1, 2, 0)) == shuffled[0].item_id
    assert choose_next([], JudgeBelief(), None, decision_rng(1, 2, 0)) is None


def test_candidate_filter_follows_gavel() -> None:
    items = [
        PairItem(1, views=5),
        PairItem(2, views=0),
        PairItem(3, views=1, active=False),
        PairItem(4, views=4),
    ]
    assert [i.item_id for i in preferred_items(items)] == [2]
    assert [i.item_id for i in preferred_items(items, ignored={2})] == [1, 4]
    assert [i.item_id for i in preferred_items(items, busy={2})] == [1, 4]
    assert [i.item_id for i in preferred_items(items, ignored={1, 4}, busy={2})] == [2]
    prioritized = [*items, PairItem(5, views=9, prioritized=True)]
    assert [i.item_id for i in preferred_items(prioritized)] == [5]


def test_busy_items_expire_after_the_timeout() -> None:
    now = datetime(2025, 1, 1, 12, 0)
    nexts = [(1, now - timedelta(minutes=4)), (2, now - timedelta(minutes=5))]
    assert busy_item_ids(nexts, now) == {1}


def test_final_pairwise_order() -> None:
    items = [
        PairItem(1, ItemBelief(0.5, 0.9)),
        PairItem(2, ItemBelief(0.5, 0.7)),
        PairItem(3, ItemBelief(0.9, 1.0)),
        PairItem(0, ItemBelief(0.5, 0.7)),
    ]
    assert rank_items(items) == [3, 0, 2, 1]


def test_bradley_terry_three_way_example() -> None:
    p = bradley_terry(THREE_WAY)
    assert [p[1], p[2], p[3]] == pytest.approx([1.597126, 1, 0.626125], abs=5e-7)
    assert bt_probability(p[1], p[3]) == pytest.approx(0.718374, abs=5e-7)


def test_bradley_terry_with_the_phantom_prior() -> None:
    p = bradley_terry(THREE_WAY, prior=True)
    assert [p[1], p[2], p[3]] == pytest.approx([1.454489, 1, 0.687527], abs=5e-7)


def test_undefeated_item_needs_the_prior() -> None:
    with pytest.raises(ValueError, match="win and a loss"):
        bradley_terry([(1, 2), (1, 3), (2, 3), (3, 2)])
    p = bradley_terry([(1, 2), (1, 3), (2, 3), (3, 2)], prior=True)
    assert p[1] > p[2] == pytest.approx(p[3])


def test_bradley_terry_rejects_self_comparisons() -> None:
    with pytest.raises(ValueError, match="beat itself"):
        bradley_terry([(1, 1)])
