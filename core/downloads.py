"""A CSV file as a download response."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response


def csv_download(rows: Iterable[Sequence[object]], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        # A leading =, +, - or @ would be a formula in a spreadsheet.
        writer.writerow(
            f"'{cell}" if isinstance(cell, str) and cell[:1] in "=+-@" else cell for cell in row
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
