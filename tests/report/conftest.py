"""Fixtures of the report tests: small synthetic releases (hostile, with rejects and duplicates,
or 100k records) written straight to Parquet, and a headless Chromium that fails the test on any
console error or any request that is not a local file."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from toolkit.features import arrow_schema

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def article(number: int, source: str = "a.txt", **fields: Any) -> dict[str, Any]:
    """A released record whose provenance points at lines ``2n+1..2n+2`` of ``source``."""
    record: dict[str, Any] = {
        "title": f"Headline number {number}",
        "body": f"Body of article {number}. " * 5,
        "publisher": "Example News",
        "language": "en",
        "url": None,
        "published": f"2022-09-{1 + number % 28:02d}",
        "section": None,
        "dek": None,
        "image_caption": None,
        "authors": ["A. Writer"],
        "kind": "article",
        "retrieved_at": None,
        "license": None,
        "id": f"{number:016x}",
        "provenance": {
            "source_file": source,
            "source_sha256": None,
            "source_url": None,
            "span": {
                "start_line": 2 * number + 1,
                "end_line": 2 * number + 2,
                "byte_offset": None,
                "byte_length": None,
            },
            "extractor": "text@1.1.0",
            "retrieved_at": None,
            "license": None,
            "toolkit_version": "0.1.0",
        },
    }
    record.update(fields)
    return record


def write_release(
    root: Path,
    splits: dict[str, Iterator[list[dict[str, Any]]] | list[dict[str, Any]]],
    *,
    rejects: list[dict[str, Any]] | None = None,
    duplicates: list[dict[str, Any]] | None = None,
    raw: dict[str, bytes] | None = None,
    changes: str | None = None,
) -> Path:
    """A release folder ``root/dist`` (with ``root/raw`` when given) holding what the report
    reads: manifest, one Parquet file per split (written batch by batch), rejects, duplicates."""
    dist = root / "dist"
    rejects, duplicates = rejects or [], duplicates or []
    (dist / "data").mkdir(parents=True)
    schema = arrow_schema("article")
    manifest_splits: dict[str, Any] = {}
    for name, batches in splits.items():
        file = f"data/{name}-00000-of-00001.parquet"
        rows = 0
        with pq.ParquetWriter(dist / file, schema) as writer:
            for batch in [batches] if isinstance(batches, list) else batches:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                rows += len(batch)
        manifest_splits[name] = {"files": [file], "num_examples": rows}
    for name, lines in (("rejects.jsonl", rejects), ("duplicates.jsonl", duplicates)):
        (dist / name).write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    sources = []
    for path, data in (raw or {}).items():
        (root / "raw").mkdir(exist_ok=True)
        (root / "raw" / path).write_bytes(data)
        sources.append(
            {
                "path": path,
                "sha256": hashlib.sha256(data).hexdigest(),
                "publisher": "Example News",
                "format": "text",
                "url": None,
                "retrieved_at": None,
                "language": "en",
                "license": None,
                "profile": None,
                "extractors": ["text@2.0.0"],
                "extracted": 0,
                "released": 0,
                "rejected": 0,
                "deduplicated": 0,
                "skipped": 0,
            }
        )
    if changes is not None:
        (dist / "CHANGES.md").write_text(changes, encoding="utf-8")
    released = sum(s["num_examples"] for s in manifest_splits.values())
    manifest = {
        "name": "synthetic",
        "version": "0.0.1",
        "built_at": None,
        "toolkit_version": "0.1.0",
        "schema": {"name": "article", "sha256": "0" * 64},
        "config": {"license": "other"},
        "counts": {
            "extracted": released + len(rejects) + len(duplicates),
            "released": released,
            "rejected": len(rejects),
            "deduplicated": len(duplicates),
            "skipped": 0,
        },
        "files": [],
        "sources": sources,
        "splits": manifest_splits,
    }
    (dist / "manifest.json").write_bytes(orjson.dumps(manifest))
    return dist


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
