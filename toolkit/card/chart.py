"""The card's chart: the body-length histogram of a release as PNG bytes. Apart from
``render`` because it is the one place that imports matplotlib (about 0.3 s and 50 MB), and only
when the card is written.
"""

from __future__ import annotations

from toolkit.release.stats import ReleaseStats


def body_length_png(stats: ReleaseStats) -> bytes:
    """The body-length histogram (bars stacked by record kind) as PNG bytes: the same bytes for
    the same release.

    Drawn on a bare ``Figure`` (no pyplot, so no global backend or state) with matplotlib's
    bundled font and the PNG's Software tag removed; PNGs carry no timestamp otherwise.
    """
    import io

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    bins = stats.body_length.bins()
    positions = list(range(len(bins)))
    colours = ["#4c72b0", "#dd8452", "#55a868", "#c44e52"]
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 9}):
        figure = Figure(figsize=(8.0, 3.4), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        bottom = [0] * len(bins)
        for index, (kind, kind_bins) in enumerate(stats.body_length_by_kind().items()):
            heights = [n for _, n in kind_bins]
            colour = colours[index % len(colours)]
            axes.bar(positions, heights, bottom=bottom, width=0.8, label=kind, color=colour)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        totals = axes.bar(positions, [0] * len(bins), bottom=bottom, width=0.8)
        labels = [f"{n:,}" if n else "" for _, n in bins]
        axes.bar_label(totals, labels=labels, fontsize=8, padding=2)
        axes.set_xticks(positions, [label for label, _ in bins], fontsize=8)
        axes.set_xlabel("body length (characters)")
        axes.set_ylabel("records")
        axes.set_title(f"Body length of the {stats.released:,} released records")
        axes.spines[["top", "right"]].set_visible(False)
        # explicit limit: the zero-height label bars' sticky edges would cancel margins()
        axes.set_ylim(0, max(bottom, default=0) * 1.15 + 1)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        if len(stats.by_kind) > 1:
            axes.legend(title="kind", frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()
