"""Domain errors and their mapping to HTML error pages and RFC 9457 problem documents."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, default_exceptions

from core.db import db


class DomainError(Exception):
    """A rule a user can act on was broken; ``status`` says how the web layer answers."""

    status = 422
    title = _l("The request could not be processed")

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    status = 422
    title = _l("Invalid input")


class PermissionDenied(DomainError):
    status = 403
    title = _l("Not allowed")


class NotFound(DomainError):
    status = 404
    title = _l("Not found")


class Conflict(DomainError):
    status = 409
    title = _l("Conflict")


class Gone(DomainError):
    """What was asked for existed and was deliberately removed (an expired export)."""

    status = 410
    title = _l("No longer available")


def ensure(condition: bool, message: str | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``condition`` holds."""
    if not condition:
        raise PermissionDenied(message or _("You are not allowed to do that."))


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    410: _l("No longer available"),
    413: _l("Upload too large"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}

# Werkzeug's own explanations (``abort(404)`` with no message), in the viewer's language: the
# English text is Werkzeug's, word for word.
DEFAULT_DETAILS = {
    400: _l("The browser (or proxy) sent a request that this server could not understand."),
    403: _l(
        "You don't have the permission to access the requested resource. It is either "
        "read-protected or not readable by the server."
    ),
    404: _l(
        "The requested URL was not found on the server. If you entered the URL manually please "
        "check your spelling and try again."
    ),
    405: _l("The method is not allowed for the requested URL."),
    409: _l(
        "A conflict happened while processing the request. The resource might have been "
        "modified while the request was being processed."
    ),
    410: _l(
        "The requested URL is no longer available on this server and there is no forwarding "
        "address. If you followed a link from a foreign page, please contact the author of this "
        "page."
    ),
    413: _l("The data value transmitted exceeds the capacity limit."),
    415: _l("The server does not support the media type transmitted in the request."),
    422: _l("The request was well-formed but was unable to be followed due to semantic errors."),
    503: _l(
        "The server is temporarily unable to service your request due to maintenance downtime "
        "or capacity problems. Please try again later."
    ),
}


# Routing answers unknown API addresses and wrong methods itself (404, or 405 with Allow): no
# catch-all route, which would turn every wrong method into a 404 and claim every method in Allow.
API_NOT_FOUND = _l("No API endpoint at this address. See /api/v1/openapi.json.")


def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def problem_response(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": str(title), "status": status, "detail": str(detail)}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _render(status: int, detail: str) -> tuple[str | Response, int]:
    title = str(ERROR_TITLES.get(status) or _("Error"))
    if wants_problem_json():
        return problem_response(status, title, detail), status
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def http_error_response(error: HTTPException) -> Response | HTTPException:
    """An HTTP error as a page, or under /api/ as a problem document, keeping the error's own
    headers (``Allow`` on a 405, ``Retry-After`` on a 429)."""
    if error.code is None or error.code < 400:
        return error
    detail = str(error.description or ERROR_TITLES.get(error.code, ""))
    default = default_exceptions.get(error.code)
    if default is not None and detail == default.description and error.code in DEFAULT_DETAILS:
        detail = str(DEFAULT_DETAILS[error.code])
    if error.code == 404 and request.url_rule is None and wants_problem_json():
        detail = str(API_NOT_FOUND)
    if error.code == 429:
        detail = _("Too many attempts. Please wait a few minutes and try again.")
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
        return _render(
            500, _("An unexpected error occurred. It has been logged; please try again.")
        )
