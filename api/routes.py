"""API routes: the OpenAPI document; domain endpoints arrive with their issues."""

from flask import abort, jsonify
from flask.typing import ResponseReturnValue

from api import bp
from api.openapi import openapi_document


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document())


@bp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(unknown: str) -> ResponseReturnValue:
    abort(404, "No API endpoint at this address. See /api/v1/openapi.json.")
