"""Liveness endpoint with a database ping."""

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from core.db import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
