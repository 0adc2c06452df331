"""Parquet submissions (as pandas and datasets export them) are validated row by row against
the same schema as JSONL, rows numbered like lines."""

from __future__ import annotations

import json

import pytest

from tests.helpers.records import DRAFT
from toolkit import validate_paths
from toolkit.errors import MissingExtraError

pd = pytest.importorskip("pandas")

GOOD = dict(DRAFT, published="2022-09-25", authors=["A. Writer"])
ROWS = [
    GOOD,
    dict(GOOD, title="Queues", language="English"),
    dict(GOOD, title="Dagestan", kind=None),
    dict(GOOD, title="Other", published="2022-13-45"),
]


def test_pandas_export_is_validated_row_by_row(tmp_path, run_dtk):
    path = tmp_path / "export.parquet"
    pd.DataFrame(ROWS).to_parquet(path)  # default index: a pandas index column to skip
    result = run_dtk("validate", str(path), "--no-dist", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [(e["line"], e["rule"], e["pointer"]) for e in report["errors"]] == [
        (2, "schema.pattern", "/language"),
        (3, "schema.required", "/kind"),
        (4, "schema.anyOf", "/published"),
    ]
    assert report["records"] == 4
    assert report == validate_paths([path], dist=None).to_dict()


def test_pandas_index_and_timestamps(tmp_path, run_dtk):
    frame = pd.DataFrame([GOOD, dict(GOOD, title="Two")]).set_index("title")
    frame["published"] = pd.to_datetime(frame["published"]).dt.date
    path = tmp_path / "indexed.parquet"
    frame.reset_index().to_parquet(path, index=False)
    result = run_dtk("validate", str(path), "--no-dist", "--color", "never")
    assert result.output == (
        "valid: 1 file, 2 records checked, 2 valid, 0 invalid, 0 errors, 0 warnings\n"
    )


def test_datasets_export_is_read(tmp_path, run_dtk):
    datasets = pytest.importorskip("datasets")
    path = tmp_path / "ds.parquet"
    datasets.Dataset.from_list([GOOD, dict(GOOD, title="")]).to_parquet(path)
    result = run_dtk("validate", str(path), "--no-dist", "--color", "never")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{path}:2:1: error[schema.minLength] $.title: title must not be empty"
    )


def test_a_file_that_is_not_parquet_is_unreadable(tmp_path, run_dtk):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"not parquet at all")
    result = run_dtk("validate", str(path), "--no-dist", "--format", "json")
    assert result.exit_code == 2
    assert [e["rule"] for e in json.loads(result.output)["errors"]] == ["file.unreadable"]


def test_without_pyarrow_the_pip_command_is_given(tmp_path, run_dtk, monkeypatch):
    import sys

    path = tmp_path / "x.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import fails as if absent
    with pytest.raises(MissingExtraError):
        validate_paths([path], dist=None, workers=1)
    result = run_dtk("validate", str(path), "--no-dist")
    assert result.exit_code == 2
    assert result.output == (
        "error: reading Parquet submissions needs pyarrow, which is not installed: "
        "pip install 'newsroom-dtk[parquet]'\n"
    )
