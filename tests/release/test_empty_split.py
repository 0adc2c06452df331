"""Class 10 of issue 12, consistency: what the build publishes, ``dtk check`` accepts and
``datasets`` loads, including a release with empty splits."""

from __future__ import annotations

import datasets
import pytest

from tests.helpers.records import submission


@pytest.mark.parametrize("records", [1, 2])
def test_a_release_with_empty_splits_builds_checks_and_loads(records, project, run_dtk):
    project.add_jsonl("a.jsonl", [submission(i) for i in range(records)])
    summary = project.build()
    assert 0 in summary.splits.values()
    result = run_dtk("check", str(project.out), "--color", "never")
    assert result.exit_code == 0, result.output
    loaded = datasets.load_dataset(str(project.out))
    assert {name: len(split) for name, split in loaded.items()} == {
        name: count for name, count in summary.splits.items() if count
    }
