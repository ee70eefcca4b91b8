"""Small-cell suppression for every diversity count that leaves the server.

``suppress`` turns raw group counts into shown cells. Groups under the minimum are merged into
"Other"; while "Other" is itself under the minimum, the smallest shown group is merged into it
too (complementary suppression: a shown total minus the shown groups can then only reveal
"Other", which holds at least the minimum). When the whole population is under the minimum
nothing is shown but "fewer than N". The shown cells partition the population and each holds
at least the minimum, so any sum or difference of shown numbers is a union of such cells.
Shares are computed from shown numbers only.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

MINIMUM = 5
OTHER = _l("Other")


@dataclass(frozen=True)
class Cell:
    label: str
    count: int
    share: float
    members: tuple[str, ...] = field(default=())  # the raw groups merged into it (Other)


@dataclass(frozen=True)
class Table:
    cells: tuple[Cell, ...]
    total: int | None  # None: the whole population is under the minimum
    minimum: int = MINIMUM

    @property
    def suppressed(self) -> bool:
        return self.total is None

    def count_of(self, label: str) -> int | None:
        return next((cell.count for cell in self.cells if cell.label == label), None)


def suppress(counts: Mapping[str, int], minimum: int = MINIMUM) -> Table:
    """Shown cells for ``counts`` (label -> people); groups of zero are left out."""
    groups = {label: n for label, n in counts.items() if n > 0}
    if any(n < 0 for n in counts.values()):
        raise ValueError("counts cannot be negative")
    if sum(groups.values()) < minimum:
        return Table(cells=(), total=None, minimum=minimum)
    shown = {label: n for label, n in groups.items() if n >= minimum and label != OTHER}
    merged = [label for label in groups if label not in shown]
    while merged and sum(groups[label] for label in merged) < minimum:
        smallest = min(shown, key=lambda label: (shown[label], label))
        merged.append(smallest)
        del shown[smallest]
    total = sum(groups.values())
    cells = [
        Cell(label, n, n / total, (label,))
        for label, n in sorted(shown.items(), key=lambda item: (-item[1], item[0]))
    ]
    if merged:
        other = sum(groups[label] for label in merged)
        cells.append(Cell(OTHER, other, other / total, tuple(sorted(merged))))
    return Table(cells=tuple(cells), total=total, minimum=minimum)


def suppress_ordered(counts: Mapping[str, int], order: list[str], minimum: int = MINIMUM) -> Table:
    """``suppress`` with the shown cells in ``order`` (a field's choice order), Other last."""
    table = suppress(counts, minimum)
    rank = {label: i for i, label in enumerate(order)}
    cells = sorted(table.cells, key=lambda c: (c.label == OTHER, rank.get(c.label, len(rank))))
    return Table(cells=tuple(cells), total=table.total, minimum=minimum)
