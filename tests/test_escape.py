"""Data never reaches a terminal, a GitHub log or Markdown as markup or control (issue 11): one
test per escaping bug fixed, through the renderer a user sees, plus the kernel function itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.warc import warc_record
from toolkit.escape import md_code, md_text, one_line
from toolkit.release.changes import render_changes_markdown, render_text
from toolkit.release.diff import RecordChange, RecordRef, ReleaseDiff

INJECTED = "Evil News\n::error file=toolkit/cli.py,line=1::pwned"
#: Characters that must never reach output unmarked: CSI (C1), RLO (bidi), OSC start (ESC ]).
UNSAFE = ("\x9b", "\u202e", "\x1b", "\u2066")


def _diff() -> ReleaseDiff:
    ref = RecordRef("a" * 16, "train", INJECTED, "raw/x.jsonl", 1)
    change = RecordChange(
        "b" * 16, "c" * 16, "train", "train", INJECTED, "raw/x.jsonl", 2, "id", ["title"], []
    )
    return ReleaseDiff(
        "old",
        "new",
        "1.0.0",
        "1.1.0",
        added=[ref],
        changed=[change],
        publishers={INJECTED: {"old": 1, "new": 2, "change": 1}},
    )


def _no_command_lines(text: str) -> None:
    assert not [line for line in text.splitlines() if line.lstrip().startswith("::")]
    assert not [line for line in text.splitlines() if line.strip() == "---"]


@pytest.mark.parametrize("value", ["a\x9bb", "a\u202eb", "a\x1b]8;;x\x07b", "a\u2067b"])
def test_every_renderer_marks_c1_bidi_and_escape_characters(value: str) -> None:
    for rendered in (one_line(value), md_text(value), md_code(value)):
        assert not any(c in rendered for c in (*UNSAFE, "\x07", "\x85", "\u2067"))
        assert "\\x" in rendered or "\\u" in rendered


def test_a_publisher_cannot_start_a_workflow_command_in_diff_text_or_markdown() -> None:
    diff = _diff()
    text = render_text(diff, None)
    _no_command_lines(text)
    assert "Evil News\\n::error file=toolkit/cli.py,line=1::pwned" in text
    markdown = render_changes_markdown(diff, None)
    _no_command_lines(markdown)
    assert "Evil News ::error file=toolkit/cli.py,line=1::pwned" in markdown


def test_changes_md_and_the_card_keep_an_injected_publisher_on_one_line(tmp_path: Path) -> None:
    from toolkit.card.render import card_context
    from toolkit.config import DatasetConfig
    from toolkit.release.folder import ReleaseCounts, ReleaseManifest, ReleaseSource, SchemaRef
    from toolkit.release.stats import LengthStats, ReleaseStats

    changes = render_changes_markdown(_diff(), heading=False)  # what CHANGES.md holds
    source = ReleaseSource(
        "x\u202e.txt", "0" * 64, "text", INJECTED, None, None, "en", None, None, (), 1, 1, 0, 0, 0
    )
    manifest = ReleaseManifest(
        "n", "1.1.0", "0", None, DatasetConfig(), SchemaRef("article", "0" * 64),
        ReleaseCounts(1, 1, 0, 0, 0), {}, (source,), (),
    )  # fmt: skip
    stats = ReleaseStats({}, [], [], [], [], {}, LengthStats(), 0, (None, None), [], [], None)
    context = card_context(manifest, stats, changes)
    for key in ("changes", "sources_table"):
        _no_command_lines(context[key])
        assert not any(c in context[key] for c in UNSAFE)
    assert "x\\u202e.txt" in context["sources_table"]


def test_an_osc_sequence_in_a_warc_uri_is_escaped_in_dtk_extract_stderr(
    tmp_path: Path, run_dtk
) -> None:
    pytest.importorskip("warcio")
    uri = "https://x.example/\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc_record(uri, b"png", content_type="image/png"))
    result = run_dtk("extract", str(path), "--publisher", "P")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr
    assert "\\x1b]8;;https://evil.example\\x07click" in result.stderr


def test_c1_and_bidi_characters_in_a_file_name_are_marked_in_build_output_and_card(
    raw_copy: Path, tmp_path: Path, run_dtk
) -> None:
    name = "000_\x9b31m\u202etxt.evil.txt"
    lines = (raw_copy / "sources.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    (raw_copy / first["path"]).rename(raw_copy / name)
    first["path"] = name
    lines[0] = json.dumps(first)
    (raw_copy / "sources.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "dist"
    result = run_dtk("build", "--raw", str(raw_copy), "--out", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in UNSAFE)
    assert "000_\\x9b31m\\u202etxt.evil.txt" in result.output
    card = (tmp_path / "DATASET_CARD.md").read_text(encoding="utf-8")
    assert not any(c in card for c in UNSAFE)
    assert "000_\\x9b31m\\u202etxt.evil.txt" in card
