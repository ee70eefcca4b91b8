"""Content hashes of submission versions: the receipt that proves what was submitted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable


def content_hash(
    *, title: str, summary: str, body_md: str, links: str, attachments: Iterable[tuple[str, str]]
) -> str:
    """SHA-256 over a canonical JSON of the text and the (filename, sha256) of each attachment.

    Anyone holding the same text and files can recompute it: keys are sorted, attachments are
    sorted by hash then name, and strings are UTF-8 without escaping.
    """
    document = {
        "title": title,
        "summary": summary,
        "body_md": body_md,
        "links": links,
        "attachments": sorted([sha, name] for name, sha in attachments),
    }
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
