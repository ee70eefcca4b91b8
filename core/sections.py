"""Page slots: a higher domain fills a named slot on a lower domain's page with a partial and the
data it formats, so the lower view shows another domain's section without importing it.

``create_app`` registers every provider by an explicit call; a view calls ``collect`` for each
slot of its page and passes the sections to its template, which includes each one with
``{% for section in ... %}{% include section.template %}{% endfor %}``. The partial formats
``section.data`` and reads nothing else from the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class Section:
    """One domain's part of a page: the partial to include and the data it shows."""

    template: str
    data: Any = None


# A provider takes the page's objects as keyword arguments and returns the data for its
# partial, or None when the section has nothing to show on this page.
Provider = Callable[..., Any]


@dataclass(frozen=True)
class _Slot:
    template: str
    provider: Provider


def register(app: Flask, slot: str, template: str, provider: Provider) -> None:
    """Let ``provider`` fill ``slot`` with ``template``; sections keep registration order.
    A provider registered twice for a slot, or a partial that does not exist, raises at once."""
    slots: dict[str, list[_Slot]] = app.extensions.setdefault("sections", {})
    filled = slots.setdefault(slot, [])
    if any(entry.provider is provider for entry in filled):
        raise RuntimeError(f"{provider.__qualname__} is already registered for page slot {slot!r}.")
    if template not in app.jinja_env.list_templates():
        raise RuntimeError(f"Page slot {slot!r}: there is no template {template!r}.")
    filled.append(_Slot(template, provider))


def collect(slot: str, **page: Any) -> list[Section]:
    """The sections that have something to show in ``slot`` for this page, in order; each
    provider is called with ``page`` as keyword arguments (its queries run here, in the view)."""
    sections = []
    for entry in current_app.extensions.get("sections", {}).get(slot, []):
        data = entry.provider(**page)
        if data is not None:
            sections.append(Section(entry.template, data))
    return sections
