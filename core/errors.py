"""Domain errors and their mapping to HTML error pages and RFC 9457 problem documents."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from core.db import db


class DomainError(Exception):
    """A rule a user can act on was broken; ``status`` says how the web layer answers."""

    status = 422
    title = "The request could not be processed"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    status = 422
    title = "Invalid input"


class PermissionDenied(DomainError):
    status = 403
    title = "Not allowed"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Gone(DomainError):
    """What was asked for existed and was deliberately removed (an expired export)."""

    status = 410
    title = "No longer available"


def ensure(condition: bool, message: str = "You are not allowed to do that.") -> None:
    """Raise ``PermissionDenied`` unless ``condition`` holds."""
    if not condition:
        raise PermissionDenied(message)


ERROR_TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "No longer available",
    413: "Upload too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Service unavailable",
}


# Routing answers unknown API addresses and wrong methods itself (404, or 405 with Allow): no
# catch-all route, which would turn every wrong method into a 404 and claim every method in Allow.
API_NOT_FOUND = "No API endpoint at this address. See /api/v1/openapi.json."


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem_response(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _render(status: int, detail: str) -> tuple[str | Response, int]:
    title = ERROR_TITLES.get(status, "Error")
    if wants_problem_json():
        return problem_response(status, title, detail), status
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def http_error_response(error: HTTPException) -> Response | HTTPException:
    """An HTTP error as a page, or under /api/ as a problem document, keeping the error's own
    headers (``Allow`` on a 405, ``Retry-After`` on a 429)."""
    if error.code is None or error.code < 400:
        return error
    detail = error.description or ERROR_TITLES.get(error.code, "")
    if error.code == 404 and request.url_rule is None and wants_problem_json():
        detail = API_NOT_FOUND
    if error.code == 429:
        detail = "Too many attempts. Please wait a few minutes and try again."
    rendered, status = _render(error.code, detail)
    if isinstance(rendered, Response):
        response = rendered
    else:
        response = Response(rendered, status=status, mimetype="text/html")
    response.status_code = error.code
    for key, value in error.get_headers():
        if key.lower() not in {"content-type", "content-length"}:
            response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError) -> tuple[str | Response, int]:
        db.session.rollback()
        return _render(error.status, error.message)

    app.register_error_handler(HTTPException, http_error_response)

    @app.errorhandler(500)
    def handle_internal_error(error: Exception) -> tuple[str | Response, int]:
        db.session.rollback()
        return _render(500, "An unexpected error occurred. It has been logged; please try again.")
