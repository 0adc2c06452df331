"""End-to-end: the report opened from file:// in headless Chromium, with no network and no
console errors (the ``open_report`` fixture fails the test otherwise). Waits are on selectors,
never on time."""

from __future__ import annotations

import time

import orjson
import pytest

from tests.helpers import DIST, RAW
from tests.helpers.report import article, write_release
from toolkit.report import write_report

HOSTILE_TITLE = (
    "<script>window.__pwned=1</script> \"quoted\" 'single' \u202eevil\u202c \u2066x\u2069"
)
HOSTILE_PUBLISHER = '<img src=x onerror="window.__pwned=2">'


def test_committed_release_search_and_open_a_record(open_report, tmp_path):
    write_report(DIST, tmp_path / "report", raw_dir=RAW)
    page = open_report(tmp_path / "report")
    assert page.locator("#overview h3", has_text="Reconciliation").count() == 1
    assert page.locator("#overview svg").count() >= 2
    page.click("nav button[data-tab=records]")
    page.wait_for_selector("#records-table tbody tr")
    page.fill("#search", "slaughter")
    train = orjson.loads((DIST / "manifest.json").read_bytes())["splits"]["train"]
    page.wait_for_selector(f"#records-status:text('1 of {train['num_examples']} records')")
    row = page.locator("#records-table tbody tr")
    assert row.count() == 1
    row.first.click()
    raw = page.locator("#record-view ol.raw li")
    raw.first.wait_for()
    assert "To The Slaughter" in page.locator("#record-view ol.raw").inner_text()
    assert (
        page.locator("#record-view .raw-lines p")
        .first.inner_text()
        .startswith("000_4d4dfa95065ffdb9.txt, lines ")
    )


@pytest.fixture
def hostile_report(tmp_path):
    raw = "".join(f"raw line {i} {HOSTILE_TITLE}\n" for i in range(1, 12)).encode()
    records = [article(1, title=HOSTILE_TITLE, publisher=HOSTILE_PUBLISHER), article(2)]
    rejects = [
        {
            "rule": "schema.required",
            "source_file": "a.txt",
            "line": 3,
            "raw": None,
            "span": None,
            "errors": [
                {
                    "rule": "schema.required",
                    "pointer": "/title",
                    "message": "'title' is a required property",
                }
            ],
        },
        {
            "rule": "json.syntax",
            "source_file": "a.txt",
            "line": 4,
            "raw": "{</script>",
            "errors": [{"rule": "json.syntax", "pointer": "", "message": "invalid JSON"}],
        },
    ]
    duplicates = [
        {
            "id": "d1",
            "duplicate_of": f"{1:016x}",
            "kind": "exact",
            "similarity": 1.0,
            "source_file": "a.txt",
            "span": {"start_line": 5, "end_line": 6},
        }
    ]
    dist = write_release(
        tmp_path,
        {"train": records},
        rejects=rejects,
        duplicates=duplicates,
        raw={"a.txt": raw},
        changes=f"# Changes\n\n{HOSTILE_TITLE}\n",
    )
    write_report(dist, tmp_path / "report")
    return tmp_path / "report"


def test_hostile_release_shows_markup_as_text(open_report, hostile_report):
    page = open_report(hostile_report)
    page.click("nav button[data-tab=records]")
    first = page.locator("#records-table tbody tr").first
    first.wait_for()
    assert first.locator("td").nth(0).text_content() == HOSTILE_TITLE
    assert first.locator("td").nth(1).text_content() == HOSTILE_PUBLISHER
    first.click()
    page.locator("#record-view ol.raw li").first.wait_for()
    assert page.locator("#record-view h3").text_content() == HOSTILE_TITLE
    page.click("nav button[data-tab=changes]")
    assert HOSTILE_TITLE in page.locator("#changes pre").text_content()
    page.click("nav button[data-tab=duplicates]")
    page.wait_for_selector(".duplicate .pair")
    assert page.locator(".duplicate .side button").text_content() == HOSTILE_TITLE
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img").count() == 0


def test_rejects_filtered_by_rule(open_report, hostile_report):
    page = open_report(hostile_report)
    page.click("nav button[data-tab=rejects]")
    page.wait_for_selector("#rejects-list .reject")
    assert page.locator("#rejects-list .reject").count() == 1
    assert page.locator("#rejects-list .reject").get_attribute("data-rule") == "json.syntax"
    assert page.locator("#rejects-list pre.raw").text_content() == "{</script>"
    page.select_option("#rule-select", label="schema.required (1)")
    page.wait_for_selector("#rejects-list .reject[data-rule='schema.required']")
    card = page.locator("#rejects-list .reject")
    assert card.count() == 1
    assert "/title 'title' is a required property" in card.locator("ul.errors li").text_content()
    assert card.locator("ol.raw li").text_content() == f"raw line 3 {HOSTILE_TITLE}"


def _batches(total, size=1000):
    for start in range(0, total, size):
        yield [article(n, publisher=f"Publisher {n % 7}") for n in range(start, start + size)]


@pytest.mark.slow
def test_page_through_a_100k_record_release(open_report, tmp_path):
    dist = write_release(tmp_path, {"train": _batches(100_000)})
    started = time.perf_counter()
    summary = write_report(dist, tmp_path / "report")
    print(
        f"100k report: {time.perf_counter() - started:.1f}s, {summary.bytes / 1e6:.1f} MB, "
        f"{summary.files} files"
    )
    page = open_report(tmp_path / "report")
    page.click("nav button[data-tab=records]")
    page.wait_for_selector("#records-table[data-page='1'] tbody tr")
    assert page.locator("#page-info").text_content() == "page 1 of 2,000"
    for number in (2, 3, 4):
        page.click("#next-page")
        page.wait_for_selector(f"#records-table[data-page='{number}']")
    assert page.locator("#records-table tbody tr").first.locator("td").first.text_content() == (
        "Headline number 150"
    )
    page.fill("#search", "headline number 99999")
    page.wait_for_selector("#records-status:text('1 of 100,000 records')")
    page.locator("#records-table tbody tr").first.click()
    page.wait_for_selector("#record-view:not([hidden]) h3:text('Headline number 99999')")
    page.fill("#search", "")
    page.click("[data-sort='0']")
    page.click("[data-sort='0']")
    page.wait_for_selector("[data-sort='0'][aria-sort=descending]")
    page.wait_for_selector("#records-table tbody tr td:text-is('Headline number 99999')")
