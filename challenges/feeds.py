"""The Atom feed of newly published challenges."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from challenges.models import Challenge
from core.money import format_amount
from core.timefmt import iso_utc
from core.urls import external_url

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(challenges: list[Challenge]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "OpenPrize: new challenges"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = external_url("challenges.index")
    self_url = external_url("challenges.feed")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=external_url("challenges.index"))
    updated = max((c.published_at for c in challenges if c.published_at), default=None)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = (
        iso_utc(updated) if updated else "1970-01-01T00:00:00Z"
    )
    for challenge in challenges:
        url = external_url("challenges.show", slug=challenge.slug)
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = challenge.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = iso_utc(challenge.published_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = iso_utc(challenge.published_at)
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = challenge.organization.name
        purse = format_amount(challenge.purse_amount, challenge.currency)
        ET.SubElement(
            entry, f"{{{ATOM}}}summary"
        ).text = f"{challenge.summary} Prize purse: {purse}."
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
