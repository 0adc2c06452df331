"""The notebook API (issue 15): ValidationReport and ReleaseManifest render as escaped HTML
tables in Jupyter and convert to pandas DataFrames."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from toolkit import validate_paths
from toolkit.errors import MissingExtraError
from toolkit.release.folder import ReleaseManifest

pd = pytest.importorskip("pandas")
ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert(1)</script>\u202e"


def _report(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"title": "t", "body": "b", "publisher": "p", "language": HOSTILE})
        + "\n\n"
        + '{"title": 1,\n',
        encoding="utf-8",
    )
    return validate_paths([path], dist=None)


def test_report_html_is_a_table_with_every_value_escaped(tmp_path):
    report = _report(tmp_path)
    html = report._repr_html_()
    assert html.startswith("<p><b>invalid: 1 file, 2 records checked, 0 valid, 2 invalid, ")
    assert html.count("<tr>") == 1 + len(report.issues)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "\u202e" not in html  # the bidi override is shown as \u202e, not obeyed
    assert re.search(r"<td>schema\.required</td>", html)


def test_report_summary_is_the_text_reporters_last_line(tmp_path, run_dtk):
    report = _report(tmp_path)
    text = run_dtk("validate", str(tmp_path / "in.jsonl"), "--no-dist", "--color", "never")
    assert report.summary() in text.output.splitlines()


def test_report_to_pandas_has_every_issue(tmp_path):
    report = _report(tmp_path)
    frame = report.to_pandas()
    assert list(frame.columns) == [
        "file",
        "line",
        "column",
        "pointer",
        "rule",
        "severity",
        "message",
    ]
    assert len(frame) == len(report.issues)
    assert frame.loc[frame["rule"] == "format.blank-line", "severity"].tolist() == ["warning"]
    assert set(frame["rule"]) >= {"schema.required", "schema.pattern", "json.syntax"}


def test_long_reports_are_cut_in_html_only(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text('{"title": 1}\n' * 30, encoding="utf-8")
    report = validate_paths([path], dist=None)
    html = report._repr_html_()
    assert html.count("<tr>") == 1 + report.HTML_ROWS
    assert f"{len(report.issues) - report.HTML_ROWS:,} more issues" in html
    assert len(report.to_pandas()) == len(report.issues)


def test_release_manifest_html_and_files_frame():
    manifest = ReleaseManifest.read(ROOT / "dist")
    html = manifest._repr_html_()
    assert html.startswith(f"<p><b>{manifest.name} {manifest.version}</b>")
    for caption in ("records", "splits", "files"):
        assert f"<caption>{caption}</caption>" in html
    frame = manifest.to_pandas()
    assert list(frame.columns) == ["path", "bytes", "sha256"]
    assert frame["path"].tolist() == [f.path for f in manifest.files]
    assert int(frame["bytes"].sum()) == sum(f.bytes for f in manifest.files)


def test_to_pandas_without_pandas_names_the_extra(tmp_path, monkeypatch):
    report = _report(tmp_path)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'newsroom-dtk\[notebook\]'"):
        report.to_pandas()


def test_html_text_escapes_controls_and_markup():
    from toolkit.escape import html_text

    assert html_text('<a href="x">\x1b[31m') == "&lt;a href=&quot;x&quot;&gt;\\x1b[31m"
