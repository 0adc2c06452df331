"""Fixtures of the report tests: a headless Chromium that fails the test on any console error or
any request that is not a local file. The synthetic releases they open are built with
``tests.helpers.report``."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import TESTS

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
ARTIFACTS = TESTS / "artifacts"


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless system Chromium through Playwright; skipped when either is missing (CI installs
    both: ``.ci/run`` apt-installs chromium, the dev group brings playwright)."""
    executable = find_chromium()
    if executable is None:
        pytest.skip("no chromium on PATH: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e . --group dev")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def open_report(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[[Path], Any]]:
    """Open ``report/index.html`` in a fresh page; at teardown, fail on console errors, page
    errors and any request that is not ``file:`` or ``data:``, and save a screenshot."""
    problems: list[str] = []
    pages: list[Any] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            problems.append(f"network request: {url}")
            route.abort()

    def open_page(report: Path) -> Any:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        context.route("**/*", guard)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "request",
            lambda r: r.url.startswith(("file:", "data:")) or problems.append(f"request: {r.url}"),
        )
        page.goto((report / "index.html").as_uri())
        page.wait_for_selector("body[data-ready=true]")
        pages.append(page)
        return page

    yield open_page
    ARTIFACTS.mkdir(exist_ok=True)
    for number, page in enumerate(pages):
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{number}.png"), full_page=True)
        page.context.close()
    assert problems == []
