"""Small-cell suppression: no group under five and no derivable cell ever leaks."""

import random

import pytest

from judging.diversity.suppression import OTHER, suppress, suppress_ordered


def test_large_groups_are_shown_with_shares_of_the_shown_total() -> None:
    table = suppress({"Europe": 10, "Africa": 6, "Oceania": 4})
    # Oceania (4) alone would be under five: merged with the smallest shown group.
    assert [(c.label, c.count) for c in table.cells] == [("Europe", 10), (OTHER, 10)]
    assert table.total == 20
    assert [c.share for c in table.cells] == [0.5, 0.5]


def test_small_groups_merge_into_other_when_other_reaches_five() -> None:
    table = suppress({"Europe": 12, "Africa": 3, "Oceania": 2, "Asia": 0})
    assert [(c.label, c.count) for c in table.cells] == [("Europe", 12), (OTHER, 5)]
    assert table.cells[1].members == ("Africa", "Oceania")
    assert table.count_of("Africa") is None


def test_population_under_five_shows_nothing() -> None:
    table = suppress({"Europe": 3, "Africa": 1})
    assert table.suppressed and table.cells == () and table.total is None


def test_empty_and_zero_counts() -> None:
    assert suppress({}).suppressed
    assert suppress({"Europe": 0}).suppressed
    with pytest.raises(ValueError):
        suppress({"Europe": -1, "Africa": 9})


def test_an_input_group_named_other_is_merged_not_shown_twice() -> None:
    table = suppress({"Europe": 7, OTHER: 6})
    assert [(c.label, c.count) for c in table.cells] == [("Europe", 7), (OTHER, 6)]


def test_ordered_keeps_the_choice_order_with_other_last() -> None:
    table = suppress_ordered({"b": 5, "a": 9, "c": 1, "d": 4}, ["a", "b", "c", "d"])
    assert [c.label for c in table.cells] == ["a", "b", OTHER]
    assert table.cells[2].members == ("c", "d")


def _random_counts(rng: random.Random) -> dict[str, int]:
    size = rng.randint(0, 9)
    top = rng.choice([3, 6, 12, 40, 200])
    return {f"g{i}": rng.randint(0, top) for i in range(size)}


@pytest.mark.parametrize("seed", range(20))
def test_property_no_small_or_derivable_cell(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(500):
        counts = _random_counts(rng)
        minimum = rng.choice([2, 5, 10])
        table = suppress(counts, minimum)
        population = sum(counts.values())
        if table.suppressed:
            assert population < minimum and table.cells == ()
            continue
        # Every shown number is at least the minimum ...
        assert all(cell.count >= minimum for cell in table.cells)
        # ... the cells partition the non-empty groups, so any sum or difference of shown
        # numbers (including total minus the others) is a union of cells of at least minimum.
        members = [m for cell in table.cells for m in cell.members]
        assert sorted(members) == sorted(label for label, n in counts.items() if n > 0)
        for cell in table.cells:
            assert cell.count == sum(counts[m] for m in cell.members)
        assert table.total == population == sum(cell.count for cell in table.cells)
        # A group under the minimum never appears under its own name.
        for label, n in counts.items():
            if n < minimum:
                assert table.count_of(label) is None
        assert abs(sum(cell.share for cell in table.cells) - 1) < 1e-9
