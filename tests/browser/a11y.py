"""Accessibility and console checks for browser tests: axe-core (vendored) and a console-error collector.

axe-core is a file in ``vendor/`` rather than a download, so the checks run offline and always with
the same rules; see ``vendor/README.md`` for its version and source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the product promises (best-practice rules are advice only).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now and return its WCAG A/AA violations (empty when clean).

    The page's Content-Security-Policy allows scripts from its own origin only; Playwright's
    ``add_script_tag(path=...)`` inlines the file, which that policy would block, so the script is
    evaluated through the DevTools protocol instead, where the page's policy does not apply.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const r = await window.axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))
            }));
        }""",
        WCAG_TAGS,
    )
    return list(result)


def sideways_overflow(page: Any) -> list[str]:
    """Elements that reach past the right edge of the window, when the page scrolls sideways.

    WCAG 1.4.10 (Reflow, AA) wants no sideways scrolling at 320 CSS pixels; axe-core cannot see it.
    Content scrolling inside its own box (a wide table in a scrolling wrapper) is fine and not listed.
    """
    return list(
        page.evaluate(
            """() => {
                const width = window.innerWidth;
                if (document.documentElement.scrollWidth <= width) return [];
                return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > width + 1)
                    .slice(0, 5)
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                              + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + 'px)');
            }"""
        )
    )


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violated rule and failing element, readable in a test failure."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            summary = " ".join(str(node["summary"]).split())
            lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Any, where: str = "") -> None:
    """Fail with every WCAG A/AA violation axe-core finds on the page (named ``where`` in the message)."""
    violations = axe_violations(page)
    assert violations == [], f"axe-core violations on {where or page.url}:\n{describe(violations)}"


@dataclass
class ConsoleLog:
    """Console errors and uncaught page errors seen by a page since it was watched.

    Any console message of type ``error`` counts: a failed request (a 404 asset, a 500 partial), a
    blocked script or style (Content-Security-Policy) and a JavaScript exception all show there.
    """

    errors: list[str] = field(default_factory=list)
    page: Any = None

    def watch(self, page: Any) -> ConsoleLog:
        self.page = page
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror on {page.url}: {exc}"))
        return self

    def _on_console(self, msg: Any) -> None:
        if msg.type == "error":
            location = msg.location.get("url", "") if msg.location else ""
            self.errors.append(f"console error: {msg.text} ({location})")

    def take(self, *, document_status: int | None = None) -> list[str]:
        """The errors since the last call, cleared so each page is judged on its own.

        ``document_status``: the page itself was expected to answer with this error status (a form
        shown again with its errors answers 422); Chromium logs that as a failed load, which is then
        not counted. Any other failed load still is.
        """
        seen, self.errors = self.errors, []
        if document_status is None:
            return seen
        expected = f"the server responded with a status of {document_status} "
        document = f"({self.page.url})"
        return [
            e
            for e in seen
            if not (
                e.startswith("console error: Failed to load resource")
                and expected in e
                and e.endswith(document)
            )
        ]


def watch_console(page: Any) -> ConsoleLog:
    """Start collecting console and page errors for ``page``."""
    return ConsoleLog().watch(page)
