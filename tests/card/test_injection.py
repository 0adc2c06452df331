"""Issue 7, card and reports: data cannot inject into the dataset card's YAML header or Markdown
body, nor into ``--format github`` workflow annotations or the step summary. The hostile
corpus of ``tests/helpers/hostile.py`` (newlines, ``---``, ``::error``, headings, HTML, links,
pipes, backticks, ``{{ placeholders }}``, ANSI escapes) is built into a release end to end."""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson
import pytest

from tests.helpers import ROOT
from tests.helpers.card import split_card
from tests.helpers.hostile import INJECT
from tests.helpers.records import submission


def all_keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in all_keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in all_keys(v)}
    return set()


@pytest.fixture
def hostile_card(hostile_release) -> tuple[Path, str]:
    """The hostile release (shared with the no-data-lost tests) and its DATASET_CARD.md."""
    _, out = hostile_release
    return out, (out.parent / "DATASET_CARD.md").read_text(encoding="utf-8")


def test_hostile_data_reached_the_card(hostile_card):
    """The test is only meaningful if the hostile text is in the card at all."""
    out, card = hostile_card
    assert "Injected heading" in card
    assert "Evil" in card
    assert card == (out / "README.md").read_text(encoding="utf-8")


def test_card_yaml_header_cannot_be_injected(hostile_card):
    _, card = hostile_card
    metadata, _ = split_card(card)
    reference, _ = split_card((ROOT / "DATASET_CARD.md").read_text(encoding="utf-8"))
    assert "evil" not in all_keys(metadata)
    assert set(metadata) <= set(reference) | {"license_name", "license_link"}
    assert metadata["license"] != "mit"
    for config in metadata["configs"]:
        assert all(not str(f["path"]).startswith(("/", "..")) for f in config["data_files"])


def outside_code_blocks(body: str) -> str:
    """``body`` without its fenced code blocks (which render literally), checking that each
    block is closed by a fence of its own length, so data cannot end a block early."""
    kept, fence = [], None
    for line in body.split("\n"):
        if fence is None and (m := re.match(r"^(`{3,})", line)):
            fence = m.group(1)
        elif fence is not None and line == fence:
            fence = None
        elif fence is None:
            kept.append(line)
        else:
            assert not line.startswith(fence), f"a data line closes the code block: {line!r}"
    assert fence is None, "a code block is never closed"
    return "\n".join(kept)


def test_card_markdown_cannot_be_injected(hostile_card):
    _, card = hostile_card
    _, body = split_card(card)
    assert "\x1b" not in body
    assert "\r" not in body
    body = outside_code_blocks(body)
    lines = body.split("\n")
    assert "---" not in lines, "a data line closed or reopened the YAML header"
    assert not [
        x
        for x in lines
        if x.startswith("# Injected") or "Injected heading" in x and x.lstrip().startswith("#")
    ]
    assert not [x for x in lines if x.startswith("::")]
    assert "<script>" not in body
    assert not re.search(r"(?<!\\)\]\(javascript:", body)
    assert "\u2028" not in body
    # Every table keeps its column count: a '|' in data never adds a cell.
    rows = [x for x in lines if x.startswith("| ")]
    for row in rows:
        header = rows[0]
        cells = len(re.findall(r"(?<!\\)\|", row))
        assert cells >= 2, row
    for table in re.split(r"\n\n+", body):
        table_rows = [x for x in table.split("\n") if x.startswith("|")]
        if table_rows:
            widths = {len(re.findall(r"(?<!\\)\|", r)) for r in table_rows}
            assert len(widths) == 1, table_rows
    assert header


def hostile_submission(path: Path) -> Path:
    records = [
        submission(1, language=INJECT),
        submission(2, kind=INJECT, url=INJECT),
        {**submission(3), INJECT: "key named by the attacker"},
        submission(4, published=INJECT),
    ]
    lines = [orjson.dumps(r) + b"\n" for r in records]
    lines += [b'{"title": "' + INJECT.encode().replace(b"\n", b"\\n") + b'" oops\n']
    lines += [orjson.dumps(submission(i, language="xx-" + "y" * 20)) + b"\n" for i in range(12)]
    path.write_bytes(b"".join(lines))
    return path


WORKFLOW_COMMAND = re.compile(r"^::(error|warning)( [^:]*(?:,[^:]*)*)?::")


def test_github_annotations_cannot_be_injected(tmp_path, run_dtk, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    name = "sub,mission::error file=x::name.jsonl"
    path = hostile_submission(tmp_path / name)
    result = run_dtk("validate", "--format", "github", str(path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    commands = [x for x in lines if x.startswith("::")]
    report = json.loads(run_dtk("validate", "--format", "json", str(path)).output)
    errors = report["errors"]
    assert len(errors) > 10
    assert len(commands) == 10 + 1, "one annotation per shown error plus the '+N more' line"
    assert lines[-1].startswith("invalid: ")
    assert len(lines) == len(commands) + 1
    for line in commands[:10]:
        match = WORKFLOW_COMMAND.match(line)
        assert match, line
        properties = dict(p.split("=", 1) for p in match.group(2).strip().split(","))
        assert set(properties) == {"file", "line", "col", "title"}
        assert properties["line"].isdigit()
        assert not set(line) & {"\r", "\x1b", "\u2028", "\x85"}
    assert "%0A" in result.output
    table = summary.read_text().splitlines()
    rows = [x for x in table if x.startswith("| `")]
    assert len(rows) == len({e["rule"] for e in errors})
    assert all(len(re.findall(r"(?<!\\)\|", r)) == 4 for r in rows)


def test_text_report_keeps_one_issue_per_line(tmp_path, run_dtk):
    path = hostile_submission(tmp_path / "hostile.jsonl")
    result = run_dtk("validate", str(path))
    assert result.exit_code == 1
    report = json.loads(run_dtk("validate", "--format", "json", str(path)).output)
    issue_lines = [x for x in result.output.splitlines() if x.startswith(str(path) + ":")]
    assert len(issue_lines) == len(report["errors"]) + len(report.get("warnings", []))
    assert "\x1b" not in result.output
    assert "\r" not in result.output
