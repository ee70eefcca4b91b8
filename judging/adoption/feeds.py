"""The Atom feed of adoption updates, newest first (the challenges feed's pattern)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from flask_babel import gettext as _

from core.money import format_amount
from core.timefmt import iso_utc
from core.urls import external_url
from judging.adoption.models import STATUS_LABELS, AdoptionUpdate

ATOM = "http://www.w3.org/2005/Atom"


def _summary(update: AdoptionUpdate) -> str:
    parts = [_("Status: %(status)s.", status=STATUS_LABELS[update.status])]
    if update.reason:
        parts.append(_("Reason: %(reason)s", reason=update.reason))
    if update.note:
        parts.append(update.note)
    if update.money_saved is not None:
        amount = format_amount(update.money_saved, update.currency)
        parts.append(_("Money saved: %(amount)s.", amount=amount))
    if update.people_reached is not None:
        parts.append(_("People reached: %(count)s.", count=format(update.people_reached, ",")))
    return " ".join(parts)


def adoption_feed(updates: list[AdoptionUpdate]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = _("OpenPrize: adoption of winning solutions")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = external_url("judging.impact")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=external_url("judging.adoption_atom"))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=external_url("judging.impact"))
    updated = updates[0].created_at if updates else None
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = (
        iso_utc(updated) if updated else "1970-01-01T00:00:00Z"
    )
    for update in updates:
        award = update.award
        challenge = award.challenge
        url = external_url("challenges.show", slug=challenge.slug) + "#impact"
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(
            entry, f"{{{ATOM}}}title"
        ).text = f"{challenge.title}, {award.prize_tier.label}: {STATUS_LABELS[update.status]}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{url}-update-{update.id}"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = iso_utc(update.created_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = iso_utc(update.created_at)
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = challenge.organization.name
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = _summary(update)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
