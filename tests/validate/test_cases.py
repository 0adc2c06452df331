"""Golden cases: every file in tests/cases/valid must validate, every tests/cases/invalid/<name>
must give exactly the issues in <name>.errors.json, through the API and through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import CASES
from toolkit.validate.paths import validate_paths

_OPTIONS = {
    "--max-line-bytes": ("max_line_bytes", int),
    "--max-errors": ("max_errors", int),
    "--schema": ("schema", str),
    "--workers": ("workers", int),
}


def _inputs(folder: str) -> list[Path]:
    return sorted(
        p
        for p in (CASES / folder).iterdir()
        if p.suffix in (".jsonl", ".json") and not p.name.endswith(".errors.json")
    )


def _kwargs(args: list[str]) -> dict[str, object]:
    kwargs: dict[str, object] = {}
    rest = list(args)
    while rest:
        option = rest.pop(0)
        if option == "--strict":
            kwargs["strict"] = True
        else:
            name, kind = _OPTIONS[option]
            kwargs[name] = kind(rest.pop(0))
    return kwargs


def _expected(path: Path) -> dict[str, object]:
    spec = json.loads(path.with_name(path.name.rsplit(".", 1)[0] + ".errors.json").read_text())
    if isinstance(spec, list):
        spec = {"errors": spec}
    return {"args": [], "truncated": False, **spec}


def _found(report: dict, expected: list[dict]) -> list[dict]:
    """The report's errors in the shape of the expected ones (``column`` only where given)."""
    found = []
    for index, error in enumerate(report["errors"]):
        item = {"line": error["line"], "rule": error["rule"], "pointer": error["pointer"]}
        if index < len(expected) and "column" in expected[index]:
            item["column"] = error["column"]
        found.append(item)
    return found


@pytest.fixture(params=_inputs("valid"), ids=lambda p: p.name)
def valid_case(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(CASES)  # relative paths in the report; no dist/ here
    return Path(request.param).relative_to(CASES)


@pytest.fixture(params=_inputs("invalid"), ids=lambda p: p.name)
def invalid_case(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(CASES)
    return Path(request.param).relative_to(CASES)


def test_valid_case(valid_case, run_dtk):
    report = validate_paths([valid_case]).to_dict()
    assert report["valid"] is True
    assert report["errors"] == []
    assert report["records"] == report["valid_records"] > 0
    result = run_dtk("validate", str(valid_case), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == report


def test_invalid_case(invalid_case, run_dtk):
    spec = _expected(invalid_case)
    report = validate_paths([invalid_case], **_kwargs(spec["args"])).to_dict()
    assert _found(report, spec["errors"]) == spec["errors"]
    assert report["valid"] is False
    assert report["truncated"] is spec["truncated"]
    assert 0 <= report["invalid_records"] <= report["records"]
    assert sum(report["counts"].values()) == len(report["errors"])
    result = run_dtk("validate", str(invalid_case), "--format", "json", *spec["args"])
    assert result.exit_code == 1
    assert json.loads(result.output) == report


def test_every_case_gives_the_same_report_on_two_workers(monkeypatch):
    from toolkit import parallel

    monkeypatch.chdir(CASES)
    monkeypatch.setattr("toolkit.validate.paths.MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_RANGE_BYTES", 64)
    paths = [p.relative_to(CASES) for p in _inputs("valid") + _inputs("invalid")]
    one = validate_paths(paths, workers=1, dist=CASES / "no-dist").to_dict()
    two = validate_paths(paths, workers=2, dist=CASES / "no-dist").to_dict()
    assert one == two
    assert one["records"] == 132
