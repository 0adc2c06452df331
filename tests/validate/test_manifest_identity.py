"""Class 2 of issue 12, manifest identity: every spelling of one file (``./a``, ``.//a``,
``a/.``, a hard link, a symlink inside raw/) is one file, listed once; a path
that cannot be opened is an issue on its own entry, and every other entry is still checked."""

from __future__ import annotations

import hashlib
import json
import os

import orjson
import pytest

from tests.helpers.records import submission


def validate(run_dtk, project) -> tuple[int, list[tuple[int, str, str]]]:
    result = run_dtk("validate", "--format", "json", str(project.raw / "sources.jsonl"))
    report = json.loads(result.output)
    return result.exit_code, [(e["line"], e["rule"], e["pointer"]) for e in report["errors"]]


@pytest.mark.parametrize("spelling", ["./a.jsonl", ".//a.jsonl", "./././a.jsonl", "a.jsonl/."])
def test_spellings_of_one_path_are_one_file(spelling, project, run_dtk):
    project.add_jsonl("a.jsonl", [submission(1)])
    sha = hashlib.sha256((project.raw / "a.jsonl").read_bytes()).hexdigest()
    project.add_entry(spelling, sha)
    code, errors = validate(run_dtk, project)
    assert code == 1
    assert errors == [(2, "manifest.duplicate-path", "/path")]


def test_the_issue_example_is_one_file_listed_three_times(project, run_dtk):
    project.add_jsonl("a.jsonl", [submission(1)])
    sha = hashlib.sha256((project.raw / "a.jsonl").read_bytes()).hexdigest()
    project.add_entry("./a.jsonl", sha)
    project.add_entry(".//a.jsonl", sha)
    code, errors = validate(run_dtk, project)
    assert (code, errors) == (
        1,
        [(2, "manifest.duplicate-path", "/path"), (3, "manifest.duplicate-path", "/path")],
    )
    result = run_dtk("build", "--raw", str(project.raw), "--out", str(project.out), "-q")
    assert result.exit_code == 1
    assert "manifest.duplicate-path" in result.output
    assert not project.out.exists()


@pytest.mark.parametrize("link", ["hard", "symlink", "symlink-to-folder"])
def test_links_inside_raw_are_the_same_file(link, project, run_dtk):
    path = project.add_jsonl("real/a.jsonl", [submission(1)])
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    if link == "hard":
        os.link(path, project.raw / "b.jsonl")
        other = "b.jsonl"
    elif link == "symlink":
        (project.raw / "b.jsonl").symlink_to("real/a.jsonl")
        other = "b.jsonl"
    else:
        (project.raw / "alias").symlink_to("real", target_is_directory=True)
        other = "alias/a.jsonl"
    project.add_entry(other, sha)
    code, errors = validate(run_dtk, project)
    assert (code, errors) == (1, [(2, "manifest.duplicate-path", "/path")])


def test_two_copies_with_the_same_bytes_are_two_files(project, run_dtk):
    project.add_jsonl("a.jsonl", [submission(1)])
    project.add_jsonl("b.jsonl", [submission(1)])
    code, errors = validate(run_dtk, project)
    assert (code, errors) == (0, [])


@pytest.mark.parametrize(
    "name",
    [
        "x" * 300,  # ENAMETOOLONG for one component
        "/".join(["d" * 200] * 25),  # ENAMETOOLONG for the whole path
    ],
)
def test_an_unopenable_path_is_an_issue_on_that_entry_only(name, project, run_dtk):
    project.add_jsonl("a.jsonl", [submission(1)])
    project.add_entry(name, "0" * 64)
    project.add_entry("missing.jsonl", "0" * 64)
    project.add_file("bad.jsonl", orjson.dumps(submission(2)) + b"\n")
    (project.raw / "bad.jsonl").write_bytes(b"changed\n")
    code, errors = validate(run_dtk, project)
    assert code == 1
    assert errors == [
        (2, "manifest.unreadable-file", "/path"),
        (3, "manifest.missing-file", "/path"),
        (4, "manifest.sha256", "/sha256"),
    ]


def test_an_unopenable_path_message_says_why(project, run_dtk):
    project.add_entry("x" * 300, "0" * 64)
    result = run_dtk("validate", str(project.raw / "sources.jsonl"))
    assert "File name too long" in result.output
    assert "Traceback" not in result.output


def test_a_dot_spelling_is_not_reported_as_unlisted(project, run_dtk):
    path = project.raw / "a.jsonl"
    path.write_bytes(orjson.dumps(submission(1)) + b"\n")
    project.add_entry("./a.jsonl", hashlib.sha256(path.read_bytes()).hexdigest())
    result = run_dtk("validate", "--format", "json", str(project.raw / "sources.jsonl"))
    assert json.loads(result.output)["warnings"] == []
