"""OpenAPI pieces every endpoint's description shares: problem documents and paging."""

PROBLEM = {"$ref": "#/components/schemas/Problem"}
PROBLEM_RESPONSE = {
    "description": "Problem document (RFC 9457)",
    "content": {"application/problem+json": {"schema": PROBLEM}},
}
PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]
