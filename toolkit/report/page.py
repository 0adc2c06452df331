"""The HTML shell of the report: the overview and charts rendered here (they are small and need
no script), the empty record, reject and duplicate views that ``assets/app.js`` fills from the
data scripts, and the Content-Security-Policy that keeps the page offline. Every value is
escaped with ``escape_html``; the page itself holds no data script, so a hostile record can at
worst be text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from toolkit.report.data import LENGTH_BINS, ReportData
from toolkit.report.escape import escape_html
from toolkit.report.svg import bar_chart, stacked_chart

#: Scripts, styles and images only from the report's own folder; no connections, frames or
#: forms anywhere. ``'self'`` covers sibling files when the page is opened from ``file://``.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'none'; form-action 'none'; base-uri 'none'; frame-src 'none'"
)
CURRENT = ' aria-current="page"'
TABS = (
    ("overview", "Overview"),
    ("records", "Records"),
    ("rejects", "Rejects"),
    ("duplicates", "Duplicates"),
    ("changes", "Changes"),
)


def _table(head: Sequence[str], rows: Iterable[Sequence[Any]], css: str = "") -> str:
    cells = "".join(f"<th>{escape_html(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape_html(_fmt(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f'<table class="{css}"><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>'


def _fmt(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _counts(title: str, counter: dict[str, int]) -> str:
    rows = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return f"<h3>{escape_html(title)}</h3>" + _table([title.lower(), "records"], rows, "num")


def _reconciliation(manifest: dict[str, Any]) -> str:
    rows = []
    for s in manifest.get("sources", []):
        if not isinstance(s, dict):
            continue
        numbers = [s.get(k, 0) or 0 for k in ("extracted", "released", "rejected", "deduplicated")]
        ok = numbers[0] == sum(numbers[1:])
        rows.append([s.get("path"), s.get("publisher"), *numbers, "yes" if ok else "NO"])
    c = manifest.get("counts", {})
    total = [c.get(k, 0) for k in ("extracted", "released", "rejected", "deduplicated")]
    rows.append(["total", "", *total, "yes" if total[0] == sum(total[1:]) else "NO"])
    head = ["source", "publisher", "extracted", "released", "rejected", "deduplicated", "adds up"]
    return _table(head, rows, "num reconcile")


def _overview(data: ReportData) -> str:
    m = data.manifest
    facts = [
        ("dataset", m.get("name")),
        ("version", m.get("version")),
        ("toolkit", m.get("toolkit_version")),
        ("schema", f"{m.get('schema', {}).get('name')} sha256:{m.get('schema', {}).get('sha256')}"),
        ("license", m.get("config", {}).get("license")),
    ]
    lengths = [(f"≤ {edge:,}", n) for edge, n in zip(LENGTH_BINS, data.lengths, strict=False)]
    lengths.append((f"> {LENGTH_BINS[-1]:,}", data.lengths[-1]))
    split_names = [s.name for s in data.splits]
    charts = (
        bar_chart("Body length (characters)", lengths)
        + stacked_chart(
            "Records per publisher and split",
            list(data.publishers),
            split_names,
            dict(data.publisher_split),
        )
        + bar_chart("Rejects per rule", [(r.rule, r.count) for r in data.rules])
    )
    files = [[f.get("path"), f.get("bytes"), f.get("sha256")] for f in m.get("files", [])]
    return (
        "<h2>Overview</h2>"
        + _table(["", ""], facts, "facts")
        + "<h3>Splits</h3>"
        + _table(["split", "records"], [[s.name, s.rows] for s in data.splits], "num")
        + '<div class="grid">'
        + _counts("Publisher", data.publishers)
        + _counts("Language", data.languages)
        + _counts("Kind", data.kinds)
        + "</div><h3>Reconciliation: extracted = released + rejected + deduplicated</h3>"
        + _reconciliation(m)
        + f'<h3>Charts</h3><div class="charts">{charts}</div>'
        + "<h3>Files and checksums</h3>"
        + _table(["file", "bytes", "sha256"], files, "files")
    )


def _options(items: Iterable[tuple[str, str]]) -> str:
    return "".join(f'<option value="{escape_html(v)}">{escape_html(t)}</option>' for v, t in items)


def render_page(data: ReportData) -> str:
    """The report's ``index.html``; it loads ``assets/`` and ``data/report.js`` beside it."""
    m = data.manifest
    title = f"{m.get('name', 'release')} {m.get('version', '')} report"
    nav = "".join(
        f'<button type="button" data-tab="{key}"{CURRENT if key == "overview" else ""}>'
        f"{label}</button>"
        for key, label in TABS
    )
    splits = _options((s.key, f"{s.name} ({s.rows:,})") for s in data.splits)
    rules = _options((r.key, f"{r.rule} ({r.count:,})") for r in data.rules)
    changes = (
        f'<pre class="changes">{escape_html(data.changes)}</pre>'
        if data.changes
        else "<p>No CHANGES.md in this release: it is the first version, or was built "
        "before changes were recorded.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape_html(title)}</title>
<link rel="stylesheet" href="assets/style.css">
</head>
<body>
<header><h1>{escape_html(title)}</h1><nav>{nav}</nav></header>
<main>
<section id="overview">{_overview(data)}</section>
<section id="records" hidden>
<h2>Records</h2>
<div class="controls">
<label>Split <select id="split-select">{splits}</select></label>
<label>Search <input id="search" type="search" placeholder="title or publisher"
 autocomplete="off"></label>
<span id="records-status" role="status"></span>
</div>
<table id="records-table" class="records"><thead><tr>
<th><button type="button" data-sort="0">Title</button></th>
<th><button type="button" data-sort="1">Publisher</button></th>
<th><button type="button" data-sort="2">Date</button></th>
<th><button type="button" data-sort="3">Language</button></th>
</tr></thead><tbody></tbody></table>
<div class="pager"><button type="button" id="prev-page">Previous</button>
<span id="page-info"></span><button type="button" id="next-page">Next</button></div>
<article id="record-view" hidden></article>
</section>
<section id="rejects" hidden>
<h2>Rejects</h2>
<div class="controls"><label>Rule <select id="rule-select">{rules}</select></label>
<span id="rejects-status" role="status"></span></div>
<div id="rejects-list"></div>
<div class="pager"><button type="button" id="rejects-more">More</button></div>
</section>
<section id="duplicates" hidden>
<h2>Duplicates</h2>
<span id="duplicates-status" role="status"></span>
<div id="duplicates-list"></div>
<div class="pager"><button type="button" id="duplicates-more">More</button></div>
</section>
<section id="changes" hidden><h2>Changes since the previous release</h2>{changes}</section>
</main>
<script src="assets/app.js"></script>
<script src="data/report.js"></script>
</body>
</html>
"""
