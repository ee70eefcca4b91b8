"""flask-smorest set up for this API: errors as problem documents, parameters by one parser."""

from __future__ import annotations

import http
from copy import deepcopy
from typing import Any

import flask_smorest
import flask_smorest.spec.plugins
from flask import Flask, Response
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from api.params import QueryParser
from api.schemas import ProblemSchema
from core.errors import http_error_response

PROBLEM_JSON = "application/problem+json"
SETTINGS = {
    "API_TITLE": "OpenPrize API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}
DESCRIPTION = (
    "Read access to public challenges, results and solutions. The API answers as the public "
    "(anonymous) reader whatever cookies come with a request. Errors are RFC 9457 problem "
    "documents: a parameter an endpoint does not take, a parameter given twice, a value outside "
    "its documented range, or a NUL character anywhere in the address, is a 400; an unknown "
    "address a 404; a method other than GET (or HEAD, OPTIONS) a 405 whose Allow header lists "
    "the methods."
)


class FlaskPlugin(flask_smorest.spec.plugins.FlaskPlugin):
    """Path parameters listed in each operation, beside its query parameters, where clients
    look for everything an operation takes (flask-smorest lists them once on the path)."""

    def path_helper(
        self, rule: Rule, operations: dict[str, Any], parameters: list[Any], **kwargs: Any
    ) -> str:
        in_path: list[Any] = []
        path = super().path_helper(rule, operations, in_path, **kwargs)
        for operation in operations.values():
            operation["parameters"] = deepcopy(in_path) + operation.get("parameters", [])
        return path


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = QueryParser()


class Api(flask_smorest.Api):
    """Errors are answered by ``core.errors`` as problem documents, and documented so."""

    ERROR_SCHEMA = ProblemSchema
    # Each operation lists the errors it gives; a catch-all "default" would let any status pass.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error: HTTPException) -> Response | HTTPException:
        return http_error_response(error)

    def _register_pagination_header(self) -> None:
        pass  # lists carry their paging in the body, not in an X-Pagination header

    def _register_responses(self) -> None:
        # flask-smorest documents its own error bodies as application/json; ours are problems.
        for status in http.HTTPStatus:
            if status >= 400:
                response = {
                    "description": f"{status.phrase}: a problem document (RFC 9457)",
                    "content": {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}},
                }
                self.spec.components.response(status.name, response, lazy=True)


def init_api(app: Flask, blueprint: Blueprint) -> Api:
    """Serve ``blueprint`` and its generated OpenAPI document at /api/v1/openapi.json."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    spec = {"flask_plugin": FlaskPlugin(), "info": {"description": DESCRIPTION}}
    api = Api(app, spec_kwargs=spec)
    api.register_blueprint(blueprint)
    return api
