"""The OpenAPI 3.1 document describing /api/v1."""

from typing import Any

from api.openapi_common import PAGE_PARAMETERS, PROBLEM_RESPONSE
from api.openapi_results import RESULTS_PATHS
from challenges.drafts import MAX_TAG_LENGTH
from challenges.models import CATEGORIES
from challenges.search import MAX_MIN_PRIZE
from core.inputs import MAX_ID

MONEY = {
    "type": "object",
    "properties": {
        "amount_minor": {"type": "integer", "description": "Integer minor units (cents)."},
        "currency": {"type": "string", "example": "USD"},
        "exponent": {"type": "integer", "description": "Decimal places of the currency."},
    },
    "required": ["amount_minor", "currency", "exponent"],
}
CHALLENGE_SUMMARY = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "category": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "sponsor": {
            "type": "object",
            "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
        },
        "phase": {
            "type": "string",
            "enum": ["upcoming", "open", "judging", "awarded", "cancelled"],
        },
        "purse": {"$ref": "#/components/schemas/Money"},
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {"type": "string", "format": "date-time"},
        "judging_ends_at": {"type": "string", "format": "date-time"},
        "entrant_count": {"type": "integer"},
        "openness": {"type": "object"},
        "url": {"type": "string", "format": "uri"},
    },
    "required": ["slug", "title", "phase", "purse", "closes_at"],
}
CHALLENGE_DETAIL = {
    "allOf": [
        {"$ref": "#/components/schemas/ChallengeSummary"},
        {
            "type": "object",
            "properties": {
                "description_md": {"type": "string"},
                "rules_md": {"type": "string"},
                "eligibility_md": {"type": "string"},
                "rules_version": {"type": "integer"},
                "max_team_size": {"type": "integer"},
                "community_voting": {"type": "boolean"},
                "prizes": {"type": "array", "items": {"type": "object"}},
                "published_at": {"type": "string", "format": "date-time"},
                "cancelled_at": {"type": ["string", "null"], "format": "date-time"},
                "cancel_reason": {"type": ["string", "null"]},
            },
        },
    ]
}

SUBMISSION = {
    "type": "object",
    "description": "An entry as the public reads it: the latest version, the team without e-mails.",
    "properties": {
        "id": {"type": "integer"},
        "challenge": {"type": "string", "description": "The challenge's slug."},
        "title": {"type": "string"},
        "summary": {"type": "string"},
        "body_md": {"type": "string", "description": "Markdown."},
        "links": {"type": "array", "items": {"type": "string", "format": "uri"}},
        "status": {"type": "string", "enum": ["submitted"]},
        "version": {"type": "integer", "description": "Number of the latest version."},
        "content_hash": {"type": ["string", "null"], "description": "SHA-256 receipt."},
        "first_submitted_at": {"type": "string", "format": "date-time"},
        "last_submitted_at": {"type": "string", "format": "date-time"},
        "team": {
            "type": "array",
            "description": "Empty while blind review withholds the authors' names.",
            "items": {
                "type": "object",
                "properties": {
                    "handle": {"type": "string"},
                    "display_name": {"type": "string"},
                    "role": {"type": "string", "enum": ["owner", "member"]},
                },
            },
        },
        "authors_hidden": {
            "type": "boolean",
            "description": "True while the challenge is under blind review (until results).",
        },
        "license": {"type": "string", "example": "CC-BY-4.0"},
        "url": {"type": "string", "format": "uri"},
    },
    "required": ["id", "challenge", "title", "status", "version", "content_hash", "url"],
}
SUBMISSION_PATHS = {
    "/api/v1/challenges/{slug}/submissions": {
        "get": {
            "summary": "Entries of a published challenge that the public may read, oldest first",
            "description": "Only page and per_page are accepted; any other parameter is a 400.",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                *PAGE_PARAMETERS,
            ],
            "responses": {
                "200": {
                    "description": "A page of entries with next/prev links",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "data": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/Submission"},
                                    },
                                    "page": {"type": "integer"},
                                    "per_page": {"type": "integer"},
                                    "total": {"type": "integer"},
                                    "links": {"type": "object"},
                                },
                            }
                        }
                    },
                },
                "400": PROBLEM_RESPONSE,
                "404": PROBLEM_RESPONSE,
            },
        }
    },
    "/api/v1/submissions/{id}": {
        "get": {
            "summary": "One entry, if the public may read it (otherwise 404, as if missing)",
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                }
            ],
            "responses": {
                "200": {
                    "description": "The entry",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}
                    },
                },
                "400": PROBLEM_RESPONSE,
                "404": PROBLEM_RESPONSE,
            },
        }
    },
}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "OpenPrize API",
            "version": "1",
            "description": "Read access to public challenges, results and solutions. Errors are "
            "RFC 9457 problem documents: a parameter outside its documented range, or a NUL "
            "character anywhere in the address, is a 400; an unknown address a 404; a method "
            "other than GET (or HEAD, OPTIONS) a 405 whose Allow header lists the methods.",
        },
        "paths": {
            "/api/v1/challenges": {
                "get": {
                    "summary": "Published challenges, filtered and paginated",
                    "parameters": [
                        _query("q", "Full-text search", {"type": "string", "maxLength": 200}),
                        _query(
                            "status",
                            "Phase",
                            {
                                "type": "string",
                                "enum": ["upcoming", "open", "judging", "awarded", "cancelled"],
                            },
                        ),
                        _query("category", "Category", {"type": "string", "enum": CATEGORIES}),
                        _query(
                            "tag",
                            "Only challenges with this tag (case and extra spaces ignored)",
                            {"type": "string", "maxLength": MAX_TAG_LENGTH},
                        ),
                        _query(
                            "min_prize",
                            "Minimum purse in major units",
                            {"type": "integer", "minimum": 0, "maximum": MAX_MIN_PRIZE},
                        ),
                        _query(
                            "openness",
                            "Solution visibility",
                            {
                                "type": "string",
                                "enum": ["public_on_submit", "public_after_close", "sponsor_only"],
                            },
                        ),
                        _query(
                            "sort",
                            "Order",
                            {"type": "string", "enum": ["closing", "newest", "purse", "relevance"]},
                        ),
                        *PAGE_PARAMETERS,
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of challenges with next/prev links",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "data": {
                                                "type": "array",
                                                "items": {
                                                    "$ref": "#/components/schemas/ChallengeSummary"
                                                },
                                            },
                                            "page": {"type": "integer"},
                                            "per_page": {"type": "integer"},
                                            "total": {"type": "integer"},
                                            "links": {"type": "object"},
                                        },
                                    }
                                }
                            },
                        },
                        "400": PROBLEM_RESPONSE,
                    },
                }
            },
            "/api/v1/challenges/{slug}": {
                "get": {
                    "summary": "One published challenge",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The challenge",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ChallengeDetail"}
                                }
                            },
                        },
                        "400": PROBLEM_RESPONSE,
                        "404": PROBLEM_RESPONSE,
                    },
                }
            },
            **SUBMISSION_PATHS,
            **RESULTS_PATHS,
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "The OpenAPI document"}},
                }
            },
        },
        "components": {
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                    "required": ["title", "status"],
                },
                "Money": MONEY,
                "ChallengeSummary": CHALLENGE_SUMMARY,
                "ChallengeDetail": CHALLENGE_DETAIL,
                "Submission": SUBMISSION,
            }
        },
    }
