"""CSV rows of suppressed sections: the shown cells only, with the suppression rule stated."""

from __future__ import annotations

from collections.abc import Iterator

from judging.diversity.report import Section


def section_rows(scope: str, sections: list[Section]) -> Iterator[list[object]]:
    yield ["scope", "measure", "group", "count", "share"]
    for section in sections:
        if section.table.suppressed:
            yield [scope, section.key, "(all)", f"fewer than {section.table.minimum}", ""]
            continue
        for cell in section.table.cells:
            yield [scope, section.key, cell.label, cell.count, f"{cell.share:.3f}"]
        yield [scope, section.key, "Total", section.table.total, "1.000"]
