"""The static HTML report of a release (``dtk report``): an offline site a reviewer opens from
``file://`` to see the records, rejects, duplicates, balance and changes of a release before it
is published. ``data`` streams the release into data scripts, ``svg`` draws the charts, ``page``
writes the HTML shell, ``escape`` holds the escaping every one of them uses.

The report is written beside the release (``dist/../report/`` by default), never inside it: the
release stays byte-reproducible and ``dtk check`` accepts only the files its manifest lists.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from toolkit.errors import UsageError
from toolkit.report.data import ReportData, write_data
from toolkit.report.escape import script_call
from toolkit.report.page import render_page

#: Marks a folder as written by ``dtk report``, so a rerun may replace it and nothing else.
MARKER = ".dtk-report"
ASSETS = ("app.js", "style.css")


@dataclass(frozen=True)
class ReportSummary:
    """Where the report went and what it holds."""

    out: Path
    records: int
    rejects: int
    duplicates: int
    files: int
    bytes: int


def default_report_dir(dist: Path) -> Path:
    """``report/`` beside the release folder."""
    return dist.resolve().parent / "report"


def _check_target(dist: Path, out: Path) -> None:
    release, target = dist.resolve(), out.resolve()
    if target == release or target.is_relative_to(release):
        raise UsageError(
            f"the report cannot go inside the release ({out}): the release must stay "
            f"byte-reproducible; use --out {default_report_dir(dist)}"
        )
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / MARKER).is_file())
    ):
        raise UsageError(
            f"{out} exists and was not written by 'dtk report'; choose another --out or remove it"
        )


def write_report(dist: Path, out: Path | None = None, raw_dir: Path | None = None) -> ReportSummary:
    """Write the static report of release ``dist`` to ``out`` and return what it holds.

    The report is staged beside ``out`` and swapped in when complete, replacing an earlier
    report (a folder holding the ``.dtk-report`` marker) and refusing any other folder. Parquet
    is streamed in batches, so memory does not grow with the release.

    Args:
        out: the report folder [default: ``report/`` beside ``dist``]; never inside ``dist``.
        raw_dir: the captures, for each record's raw lines [default: ``raw/`` beside ``dist``].
    """
    out = out if out is not None else default_report_dir(dist)
    _check_target(dist, out)
    if raw_dir is None:
        raw_dir = dist.resolve().parent / "raw"
    stage = out.parent / f".{out.name}.staging"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    try:
        data: ReportData = write_data(dist, stage / "data", raw_dir)
        (stage / "data" / "report.js").write_text(
            script_call("DTK.init", data.to_page()), encoding="utf-8"
        )
        (stage / "assets").mkdir()
        for name in ASSETS:
            text = resources.files("toolkit.report").joinpath("assets", name).read_text("utf-8")
            (stage / "assets" / name).write_text(text, encoding="utf-8")
        (stage / "index.html").write_text(render_page(data), encoding="utf-8")
        (stage / MARKER).write_text("written by dtk report; replaced on the next run\n", "utf-8")
        if out.exists():
            shutil.rmtree(out)
        stage.rename(out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    files = [p for p in out.rglob("*") if p.is_file()]
    return ReportSummary(
        out=out,
        records=sum(s.rows for s in data.splits),
        rejects=sum(r.count for r in data.rules),
        duplicates=data.duplicates,
        files=len(files),
        bytes=sum(p.stat().st_size for p in files),
    )


__all__ = ["ReportSummary", "default_report_dir", "write_report"]
