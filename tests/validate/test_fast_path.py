"""The fast validate path (chunked reader, quote-count proof, cheap duplicate keys) against the
exact path it replaces: identical reports on hypothesis-generated files that hold every hostile
kind of ``benchmarks/generate.py``, across files, with a release in ``dist/`` and with
``--max-errors``."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import DIST
from tests.helpers.jsonl_lines import jsonl_files
from toolkit.validate.paths import validate_paths

common = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _both(paths: list[Path], **options: object) -> tuple[dict, dict]:
    fast = validate_paths(paths, workers=1, **options).to_dict()  # type: ignore[arg-type]
    exact = validate_paths(paths, workers=1, exact=True, **options).to_dict()  # type: ignore[arg-type]
    return fast, exact


@common
@given(
    st.lists(jsonl_files(), min_size=1, max_size=3),
    st.sampled_from([None, DIST]),
    st.sampled_from([None, 0, 2, 5]),
    st.sampled_from([16 << 20, 3000]),
)
def test_fast_and_exact_paths_give_the_same_report(
    tmp_path: Path, files: list[bytes], dist: Path | None, max_errors: int | None, limit: int
):
    paths = []
    for index, data in enumerate(files):
        path = tmp_path / f"part{index}.jsonl"
        path.write_bytes(data)
        paths.append(path)
    fast, exact = _both(
        paths, dist=dist or tmp_path / "none", max_errors=max_errors, max_line_bytes=limit
    )
    assert fast == exact


@common
@given(jsonl_files(max_lines=6), st.booleans())
def test_json_arrays_beside_jsonl_give_the_same_report(tmp_path: Path, data: bytes, dist: bool):
    lines = [line for line in data.split(b"\n") if line.strip()]
    values = []
    for line in lines:
        try:
            values.append(json.loads(line))
        except ValueError:
            continue
    (tmp_path / "a.json").write_text(json.dumps(values))
    (tmp_path / "b.jsonl").write_bytes(data)
    paths = [tmp_path / "a.json", tmp_path / "b.jsonl"]
    fast, exact = _both(paths, dist=DIST if dist else tmp_path / "none")
    assert fast == exact


def test_a_copy_of_a_released_record_is_found_by_the_fast_path(tmp_path: Path):
    import pyarrow.parquet as pq

    row = pq.read_table(sorted((DIST / "data").glob("*.parquet"))[0]).to_pylist()[0]
    submission = {k: row[k] for k in ("title", "body", "publisher", "language", "kind")}
    submission["title"] = "  " + submission["title"].upper()
    path = tmp_path / "copy.jsonl"
    path.write_text(json.dumps(submission) + "\n" + json.dumps(submission) + "\n")
    fast, exact = _both([path], dist=DIST)
    assert fast == exact
    assert [e["rule"] for e in fast["errors"]] == ["record.exists", "record.exists"]
