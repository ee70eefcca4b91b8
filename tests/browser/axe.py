"""axe-core on every page the browser journeys see, at desktop and at phone width.

``PageAudit`` records each HTML document the browser receives (through a context route, so
nothing is missed when a journey clicks on before a check could finish) and, when the test
ends, shows each one again from the recording, in the same context (same cookies: the same
role), at the journey's width and at phone width, and runs the WCAG 2.x A and AA rules of
axe-core on it. Pages after a POST (a form shown again with its errors, say) are audited as
the journey saw them, without sending the POST again. ``assert_accessible`` checks the page
as it is now, for states only a script reaches (focus moved to an error summary).

axe comes from the axe-core npm package (tests/browser/vendor) as an init script, which the
site's CSP does not apply to.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Page, Route

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# A best-practice rule outside the WCAG tags: skipped heading levels confuse screen-reader
# users who move from heading to heading, and issue 10 found them.
EXTRA_RULES = ["heading-order"]
PHONE = {"width": 390, "height": 844}

RUN_AXE = """async ({tags, rules}) => {
  const enabled = Object.fromEntries(rules.map((rule) => [rule, {enabled: true}]));
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules: enabled});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The page's axe-core violations as it is now, once its stylesheets are in: a check that
    only waited for some text of a page just submitted could audit it unstyled (a CI run saw
    every link "too small" on a re-rendered form)."""
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE_JS)  # a page opened before PageAudit was installed
    return page.evaluate(RUN_AXE, {"tags": WCAG_TAGS, "rules": EXTRA_RULES})


def _report(url: str, width: str, violations: list[dict[str, Any]]) -> str:
    return f"axe-core on {url} ({width}):\n" + "\n".join(
        f"  {v['impact']} {v['id']}: {v['help']}\n"
        + "\n".join(f"      {n['target']}: {n['summary']}" for n in v["nodes"])
        for v in violations
    )


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, _report(page.url, "as shown", violations)


# Sent from each top-level page as soon as its HTML is parsed: a journey that clicks on at once
# still leaves its page recorded (the message leaves with the call, before any navigation).
RECORD_DOCUMENT = """
if (window.top === window) {
  document.addEventListener("DOMContentLoaded", () => {
    const doctype = document.doctype ? "<!doctype html>\\n" : "";
    window.__recordDocument(location.href, doctype + document.documentElement.outerHTML);
  });
}
"""


@dataclass(frozen=True)
class _Document:
    url: str
    html: str


@dataclass
class PageAudit:
    """Records the HTML documents of one browser context, then audits them (see above)."""

    context: BrowserContext
    documents: dict[str, _Document] = field(default_factory=dict)  # by content hash

    def install(self) -> None:
        self.context.expose_binding("__recordDocument", self._record)
        self.context.add_init_script(path=AXE_JS)
        self.context.add_init_script(RECORD_DOCUMENT)

    def _record(self, source: Any, url: str, html: str) -> None:
        digest = hashlib.sha256(html.encode()).hexdigest()
        self.documents.setdefault(digest, _Document(url, html))

    def violations(self) -> list[str]:
        """Each recorded page shown again at the journey's width, then at phone width."""
        found = []
        page = self.context.new_page()
        journey = page.viewport_size or {"width": 1280, "height": 720}
        for document in list(self.documents.values()):
            page.unroute("**/*")
            page.route(document.url, _replay(document))
            page.set_viewport_size(journey)
            page.goto(document.url, wait_until="load")
            for width, size in (("journey width", journey), ("phone width", PHONE)):
                page.set_viewport_size(size)
                if violations := axe_violations(page):
                    found.append(_report(document.url, width, violations))
        page.close()
        return found


def _replay(document: _Document) -> Any:
    def fulfill(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=document.html)

    return fulfill
