"""OpenAPI pieces for the results endpoints: a challenge's results and the winners."""

from __future__ import annotations

from api.openapi_common import PAGE_PARAMETERS, PROBLEM_RESPONSE

RESULT_ENTRY = {
    "type": ["object", "null"],
    "description": "The entry; null when the public may not read it (a sponsor-only challenge "
    "names its winners and their prizes, not their work).",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": "string", "format": "uri"},
    },
}
WINNER = {
    "type": "object",
    "properties": {
        "prize": {
            "allOf": [
                {"$ref": "#/components/schemas/Money"},
                {"properties": {"place": {"type": "integer"}, "label": {"type": "string"}}},
            ]
        },
        "kind": {"type": "string", "enum": ["placed", "peoples_choice"]},
        "rank": {"type": ["integer", "null"], "description": "The entry's computed rank."},
        "finalist": {"type": "boolean"},
        "status": {"type": "string", "example": "payout pending"},
        "entry": RESULT_ENTRY,
        "team": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"handle": {"type": "string"}, "display_name": {"type": "string"}},
            },
        },
    },
    "required": ["prize", "kind", "status", "entry", "team"],
}
AWARDED_CHALLENGE = {
    "type": "object",
    "properties": {
        "slug": {"type": "string"},
        "title": {"type": "string"},
        "sponsor": {"type": "object"},
        "awarded_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "format": "uri"},
        "results_url": {"type": "string", "format": "uri"},
    },
}
RANKED_ROW = {
    "type": "object",
    "properties": {
        "rank": {"type": "integer"},
        "final_score": {"type": "number"},
        "calibrated_score": {"type": "number"},
        "raw_mean": {"type": "number"},
        "criterion_means": {"type": "object", "additionalProperties": {"type": "number"}},
        "review_count": {"type": "integer"},
        "votes": {"type": "object"},
        "finalist": {"type": "boolean"},
        "entry": RESULT_ENTRY,
    },
}
PAGE_LINKS = {
    "page": {"type": "integer"},
    "per_page": {"type": "integer"},
    "total": {"type": "integer"},
    "links": {"type": "object"},
}
DECISION = {"type": "string", "enum": ["approved", "declined"]}
AWARDED_WITH_WINNERS = {
    "allOf": [
        AWARDED_CHALLENGE,
        {"properties": {"winners": {"type": "array", "items": WINNER}}},
    ]
}
RESULTS_PATHS = {
    "/api/v1/challenges/{slug}/results": {
        "get": {
            "summary": "A challenge's published results (404 until the sponsor decides)",
            "description": "Winners always; the ranked table (paginated by page and per_page) "
            "only when the challenge's judging transparency is scores_public, else null. "
            "Any other parameter is a 400.",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                *PAGE_PARAMETERS,
            ],
            "responses": {
                "200": {
                    "description": "The decision, the method, the winners and the ranking",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "challenge": AWARDED_CHALLENGE,
                                    "decision": DECISION,
                                    "decided_at": {"type": "string", "format": "date-time"},
                                    "adjustment": {"type": ["string", "null"]},
                                    "method": {"type": "object"},
                                    "judging_transparency": {"type": "string"},
                                    "winners": {"type": "array", "items": WINNER},
                                    "ranking": {
                                        "type": ["object", "null"],
                                        "properties": {
                                            "data": {"type": "array", "items": RANKED_ROW},
                                            **PAGE_LINKS,
                                        },
                                    },
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
    "/api/v1/winners": {
        "get": {
            "summary": "Challenges with published awards, the latest announcement first",
            "description": "Only page and per_page are accepted; any other parameter is a 400.",
            "parameters": PAGE_PARAMETERS,
            "responses": {
                "200": {
                    "description": "A page of awarded challenges with their winners",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "data": {"type": "array", "items": AWARDED_WITH_WINNERS},
                                    **PAGE_LINKS,
                                },
                            }
                        }
                    },
                },
                "400": PROBLEM_RESPONSE,
            },
        }
    },
}
