"""Server-rendered horizontal bar charts (SVG, no script); the page puts a table beside each."""

from __future__ import annotations

from markupsafe import Markup

from judging.diversity.suppression import Table

BAR = "#1f5fa8"  # 6.3:1 against white
TEXT = "#212529"
ROW = 26
LABEL_WIDTH = 230
BAR_WIDTH = 260

_OPEN = Markup(
    '<svg class="diversity-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
    'style="max-width:{width}px" aria-label="{title}"><title>{title}</title>'
)
_BAR = Markup(
    '<text x="{label_x}" y="{text_y}" text-anchor="end" fill="{text}" font-size="13">{label}'
    '</text><rect x="{bar_x}" y="{bar_y}" width="{length}" height="{bar_height}" fill="{bar}">'
    '</rect><text x="{value_x}" y="{text_y}" fill="{text}" font-size="13">{value}</text>'
)


def bar_chart(table: Table, title: str) -> Markup:
    """One bar per shown cell, labelled with its name, count and share as text."""
    if table.suppressed or not table.cells:
        return Markup("")
    peak = max(cell.count for cell in table.cells)
    width = LABEL_WIDTH + BAR_WIDTH + 90
    # str(): lazy labels would pass Markup.format unescaped.
    parts = [_OPEN.format(width=width, height=ROW * len(table.cells) + 8, title=str(title))]
    for i, cell in enumerate(table.cells):
        y = 4 + i * ROW
        length = max(2, round(BAR_WIDTH * cell.count / peak))
        parts.append(
            _BAR.format(
                label_x=LABEL_WIDTH - 8,
                text_y=y + 16,
                text=TEXT,
                label=str(cell.label),
                bar_x=LABEL_WIDTH,
                bar_y=y + 3,
                length=length,
                bar_height=ROW - 8,
                bar=BAR,
                value_x=LABEL_WIDTH + length + 6,
                value=f"{cell.count} ({cell.share:.0%})",
            )
        )
    return Markup("").join(parts) + Markup("</svg>")
