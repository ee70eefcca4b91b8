"""The OpenAPI 3.1 document describing /api/v1."""

from typing import Any

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem document.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "required": ["title", "status"],
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OpenPrize API",
            "version": "1",
            "description": "Read access to public challenges, results and solutions.",
        },
        "paths": {
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "The OpenAPI document"}},
                }
            }
        },
        "components": {"schemas": {"Problem": PROBLEM_SCHEMA}},
    }
