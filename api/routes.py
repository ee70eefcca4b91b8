"""API routes: the OpenAPI document (unknown addresses are answered by core.errors)."""

from flask import jsonify
from flask.typing import ResponseReturnValue

from api import bp
from api.openapi import openapi_document


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document())
