"""CONTRIBUTING.md's walk-through, end to end, as a contributor and then a maintainer run it:
validate a submission, add it to raw/ and the manifest, build, diff against the previous
release, and validate the submission again after the build (issue 15)."""

from __future__ import annotations

import hashlib
import json
import shutil

from toolkit import validate_paths

RECORDS = [
    {
        "title": "Thousands flee the draft",
        "body": "Men of conscription age crossed into Georgia at Verkhny Lars.\n\nQueues ran "
        "for kilometres.",
        "publisher": "Example News",
        "language": "en",
        "kind": "article",
        "published": "2022-09-25",
    },
    {
        "title": "Referendums held in occupied regions",
        "body": "Voting took place under armed escort in four regions.",
        "publisher": "Example News",
        "language": "en",
        "kind": "article",
        "published": "2022-09-27",
    },
]
PYPROJECT = """[tool.dtk]
name = "walkthrough"
pretty_name = "Walk-through"
version = "{version}"
license = "mit"
task_categories = ["text-classification"]
"""


def test_contributing_walkthrough(tmp_path, raw_copy, run_dtk, monkeypatch):
    project = tmp_path / "project"
    project.mkdir()
    shutil.move(raw_copy, project / "raw")
    (project / "pyproject.toml").write_text(PYPROJECT.format(version="1.0.0"))
    monkeypatch.chdir(project)
    assert run_dtk("build", "--quiet").exit_code == 0
    shutil.copytree("dist", tmp_path / "dist-1.0.0")

    # 1. The contributor writes a submission and validates it.
    submission = project / "raw" / "submissions" / "2024-05-example.jsonl"
    submission.parent.mkdir()
    submission.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    first = run_dtk("validate", "raw/submissions/2024-05-example.jsonl", "--color", "never")
    assert first.exit_code == 0, first.output
    assert first.output == (
        "valid: 1 file, 2 records checked, 2 valid, 0 invalid, 0 errors, 0 warnings\n"
    )

    # 2. ... adds it to the manifest, and validates the manifest.
    entry = {
        "path": "submissions/2024-05-example.jsonl",
        "sha256": hashlib.sha256(submission.read_bytes()).hexdigest(),
        "format": "jsonl",
        "publisher": "Example News",
        "url": None,
        "retrieved_at": None,
        "language": "en",
        "license": "CC BY 4.0",
    }
    with (project / "raw" / "sources.jsonl").open("a", encoding="utf-8") as manifest:
        manifest.write(json.dumps(entry) + "\n")
    listed = run_dtk("validate", "raw/sources.jsonl", "--color", "never")
    assert listed.exit_code == 0, listed.output

    # 3. The maintainer bumps the version (records added: minor) and builds.
    (project / "pyproject.toml").write_text(PYPROJECT.format(version="1.1.0"))
    built = run_dtk("build", "--quiet")
    assert built.exit_code == 0, built.output
    assert "built dist/ (version 1.1.0)" in built.output
    assert "  submissions/2024-05-example.jsonl" in built.output

    # 4. ... and diffs the release against the one before.
    diff = run_dtk("diff", str(tmp_path / "dist-1.0.0"), "dist", "--format", "json")
    assert diff.exit_code == 0, diff.output
    changes = json.loads(diff.output)
    assert (changes["summary"]["added"], changes["summary"]["removed"]) == (2, 0)
    assert changes["required_bump"] == "minor"

    # 5. Validating the submission again after the build: its records are released from this
    # very file, so they are not record.exists, for the command and the API alike.
    again = run_dtk("validate", "raw/submissions/2024-05-example.jsonl", "--color", "never")
    assert again.exit_code == 0, again.output
    assert again.output == first.output
    assert validate_paths(["raw/submissions/2024-05-example.jsonl"]).valid

    # 6. The same records sent again in another file are already released.
    copy = project / "raw" / "submissions" / "2024-06-again.jsonl"
    shutil.copy(submission, copy)
    twice = run_dtk("validate", str(copy.relative_to(project)), "--format", "json")
    assert twice.exit_code == 1
    assert [e["rule"] for e in json.loads(twice.output)["errors"]] == ["record.exists"] * 2
    assert json.loads(twice.output) == validate_paths([copy.relative_to(project)]).to_dict()
