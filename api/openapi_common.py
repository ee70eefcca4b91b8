"""OpenAPI pieces every endpoint's description shares: problem documents and paging."""

from core.paging import MAX_PAGE, MAX_PER_PAGE

PROBLEM = {"$ref": "#/components/schemas/Problem"}
PROBLEM_RESPONSE = {
    "description": "Problem document (RFC 9457)",
    "content": {"application/problem+json": {"schema": PROBLEM}},
}
PAGE = {
    "name": "page",
    "in": "query",
    "description": "Page number; a page past the last one is empty.",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
}
PER_PAGE = {
    "name": "per_page",
    "in": "query",
    "description": "Items per page.",
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
}
PAGE_PARAMETERS = [PAGE, PER_PAGE]
