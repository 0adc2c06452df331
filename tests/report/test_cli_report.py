"""``dtk report``: exit codes and the one-line summary."""

from __future__ import annotations

from tests.helpers.report import article, write_release


def test_report_writes_the_folder_and_says_so(run_dtk, tmp_path):
    dist = write_release(tmp_path, {"train": [article(1), article(2)]})
    result = run_dtk("report", str(dist), "--out", str(tmp_path / "r"))
    files = [p for p in (tmp_path / "r").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 1e6
    assert result.exit_code == 0
    assert result.output == (
        f"wrote {tmp_path / 'r'}/index.html (2 records, 0 rejects, 0 duplicates; "
        f"{len(files)} files, {size:.1f} MB)\n"
    )


def test_report_inside_the_release_is_a_usage_error(run_dtk, tmp_path):
    dist = write_release(tmp_path, {"train": [article(1)]})
    result = run_dtk("report", str(dist), "--out", str(dist / "report"))
    assert result.exit_code == 2
    assert "cannot go inside the release" in result.output


def test_report_of_a_missing_release_is_a_usage_error(run_dtk, tmp_path):
    result = run_dtk("report", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "is not a release" in result.output
