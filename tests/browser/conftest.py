"""Browser fixtures shared by the files in this folder: a fresh demo served live, and one Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.live import CHROMIUM, CHROMIUM_ARGS, DemoApp, serve_demo

# Web-first assertions retry until this long: the default 5 s is too short on a busy 2-core machine
# (a first coaching review took over 5 s with eight test runs sharing it). A passing check still
# returns as soon as it holds.
EXPECT_TIMEOUT_MS = 20_000
try:
    from playwright.sync_api import expect as _expect
except ImportError:  # the browser tests skip themselves without Playwright
    pass
else:
    _expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoApp]:
    """A fresh demo organization (the `askwell demo` builder) served live, shared by a module's tests.

    Module-scoped: tests in one file share the server and see each other's writes, so each test
    creates what it checks (its own ask) instead of relying on the demo staying untouched.
    """
    with serve_demo(tmp_path_factory.mktemp("demo")) as app:
        yield app


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, launched once per module; each test opens its own context (cookies apart)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make chromium)")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
