"""Inline SVG charts for the report: horizontal bars and stacked bars, drawn from counts. Colours
come from CSS classes (``series-N``, ``axis``), never from attributes, so the page's stylesheet
makes them readable in light and dark mode; every label goes through ``escape_html``. No
plotting library: the charts must render offline and identically everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.report.escape import escape_html

WIDTH = 640
BAR = 18
GAP = 6
LABEL = 200
#: Bars drawn at most; the rest are summed into one "others" bar.
MAX_BARS = 20


def _top(items: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    ordered = list(items)
    if len(ordered) <= MAX_BARS:
        return ordered
    rest = sum(v for _, v in ordered[MAX_BARS - 1 :])
    return [*ordered[: MAX_BARS - 1], (f"{len(ordered) - MAX_BARS + 1} others", rest)]


def _short(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _empty(title: str) -> str:
    return (
        f'<figure class="chart"><figcaption>{escape_html(title)}</figcaption><p>none</p></figure>'
    )


def _frame(title: str, height: int, body: list[str], legend: str = "") -> str:
    name = escape_html(title)
    return (
        f'<figure class="chart"><figcaption>{name}</figcaption>'
        f'<svg role="img" aria-label="{name}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(body)
        + f"</svg>{legend}</figure>"
    )


def bar_chart(title: str, items: Sequence[tuple[str, int]]) -> str:
    """One bar per ``(label, value)``, longest value spanning the plot; empty data says so."""
    rows = _top(items)
    if not rows or not any(v for _, v in rows):
        return _empty(title)
    peak = max(v for _, v in rows)
    plot = WIDTH - LABEL - 70
    body: list[str] = []
    for i, (label, value) in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        length = round(plot * value / peak) if peak else 0
        body.append(
            f'<text class="axis" x="{LABEL - 6}" y="{y + BAR - 5}" text-anchor="end">'
            f"<title>{escape_html(label)}</title>{escape_html(_short(label))}</text>"
            f'<rect class="series-0" x="{LABEL}" y="{y}" width="{max(length, 1)}" height="{BAR}">'
            f"<title>{escape_html(label)}: {value:,}</title></rect>"
            f'<text class="axis" x="{LABEL + length + 4}" y="{y + BAR - 5}">{value:,}</text>'
        )
    return _frame(title, GAP + len(rows) * (BAR + GAP), body)


def stacked_chart(
    title: str, labels: Sequence[str], series: Sequence[str], values: dict[tuple[str, str], int]
) -> str:
    """One bar per label, split into one segment per series (``values[(label, series)]``)."""
    totals = [(label, sum(values.get((label, s), 0) for s in series)) for label in labels]
    totals.sort(key=lambda item: (-item[1], item[0]))
    rows = totals[:MAX_BARS]
    if not rows or not any(v for _, v in rows):
        return _empty(title)
    peak = max(v for _, v in rows)
    plot = WIDTH - LABEL - 70
    body: list[str] = []
    for i, (label, total) in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        x = float(LABEL)
        body.append(
            f'<text class="axis" x="{LABEL - 6}" y="{y + BAR - 5}" text-anchor="end">'
            f"<title>{escape_html(label)}</title>{escape_html(_short(label))}</text>"
        )
        for n, name in enumerate(series):
            value = values.get((label, name), 0)
            if not value:
                continue
            length = plot * value / peak
            body.append(
                f'<rect class="series-{n % 6}" x="{x:.1f}" y="{y}" width="{max(length, 1):.1f}" '
                f'height="{BAR}"><title>{escape_html(label)}, {escape_html(name)}: {value:,}'
                "</title></rect>"
            )
            x += length
        body.append(f'<text class="axis" x="{x + 4:.1f}" y="{y + BAR - 5}">{total:,}</text>')
    legend = (
        '<p class="legend">'
        + " ".join(
            f'<span class="key series-{n % 6}"></span>{escape_html(name)}'
            for n, name in enumerate(series)
        )
        + "</p>"
    )
    return _frame(title, GAP + len(rows) * (BAR + GAP), body, legend)
