"""axe-core in the page: run the WCAG 2.x A and AA rules and fail with what they find."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# A best-practice rule outside the WCAG tags: skipped heading levels confuse screen-reader
# users who move from heading to heading, and issue 10 found them.
EXTRA_RULES = ["heading-order"]

RUN_AXE = """async ({tags, rules}) => {
  const enabled = Object.fromEntries(rules.map((rule) => [rule, {enabled: true}]));
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules: enabled});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The page's axe-core violations. The page's context must bypass the CSP, which forbids
    the inline script that carries axe (``@pytest.mark.browser_context_args(bypass_csp=True)``)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE_JS)
    return page.evaluate(RUN_AXE, {"tags": WCAG_TAGS, "rules": EXTRA_RULES})


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    lines = [
        f"{v['impact']} {v['id']}: {v['help']}\n"
        + "\n".join(f"    {n['target']}: {n['summary']}" for n in v["nodes"])
        for v in violations
    ]
    assert not violations, f"axe-core on {page.url}:\n" + "\n".join(lines)
