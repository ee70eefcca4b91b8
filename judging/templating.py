"""Jinja globals from the judging domain that read nothing: the reliability panel's words and
its bias chart, drawn from the data the dashboard's view passes."""

from typing import Any

from judging.panel.reliability_panel import agreement_words, bias_chart

TEMPLATE_HELPERS: dict[str, Any] = {
    "agreement_words": agreement_words,
    "bias_chart": bias_chart,
}
