"""Live Markdown preview through the same sanitising renderer as the pages."""

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from core.extensions import limiter
from core.markdown import render_markdown

bp = Blueprint("preview", __name__)
MAX_PREVIEW = 50_000


@bp.post("/preview/markdown")
@login_required  # type: ignore[untyped-decorator]  # Flask-Login ships no types
@limiter.limit("120 per minute")
def markdown_preview() -> ResponseReturnValue:
    text = request.form.get("text", "")
    if len(text) > MAX_PREVIEW:
        limit = f"{MAX_PREVIEW:,}"
        error = _("Too long to preview (over %(limit)s characters).", limit=limit)
        return jsonify(error=error), 413
    return jsonify(html=str(render_markdown(text)))
