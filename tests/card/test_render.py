"""The dataset card: YAML made by the libraries' helpers, load_dataset on the release, escaping of
text from the data, every number against manifest.json and the Parquet files, determinism, and
the maintainers' template. Releases are built here from hand-made records (``make_release``), so
these tests do not depend on the extractors; ``test_card_of_real_raw`` builds the committed raw/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.helpers import ROOT
from tests.helpers.card import as_int, front_matter, table_rows
from tests.helpers.records import article
from tests.helpers.releases import make_release
from toolkit.card.render import (
    CHART_PATH,
    md_text,
    render_card,
    update_card,
    validate_card_metadata,
    write_card,
)
from toolkit.features import hf_features

HOSTILE_TITLE = (
    "Breaking | news\n---\n<script>alert('x')</script> *bold* [link](http://x) `code` $x$"
)


def load(dist: Path, tmp_path: Path):
    import datasets

    return datasets.load_dataset(str(dist), cache_dir=str(tmp_path / "hf-cache"))


def test_card_metadata_is_made_by_the_helpers_and_loads(release: Path, tmp_path: Path) -> None:
    from huggingface_hub import DatasetCard

    text = write_card(release, root=ROOT)
    assert (release / "README.md").read_text(encoding="utf-8") == text
    assert validate_card_metadata(text) == []
    data = DatasetCard(text).data.to_dict()
    assert data["configs"] == [
        {
            "config_name": "default",
            "data_files": [
                {"split": s, "path": f"data/{s}-*.parquet"} for s in ("train", "validation", "test")
            ],
        }
    ]
    assert data["license"] == "other"
    assert data["license_name"] == "publishers-copyright-research-only"
    assert data["size_categories"] == ["n<1K"]
    assert data["language"] == ["en"]
    loaded = load(release, tmp_path)
    assert {name: ds.num_rows for name, ds in loaded.items()} == {
        "train": 10,
        "validation": 2,
        "test": 1,
    }
    for ds in loaded.values():
        assert ds.features == hf_features("article")


def test_load_dataset_enforces_the_declared_num_examples(release: Path, tmp_path: Path) -> None:
    from datasets.exceptions import NonMatchingSplitsSizesError

    text = write_card(release, root=ROOT)
    (release / "README.md").write_text(
        text.replace("num_examples: 10", "num_examples: 11"), encoding="utf-8"
    )
    with pytest.raises(NonMatchingSplitsSizesError):
        load(release, tmp_path)


def test_every_number_matches_the_manifest_and_the_parquet_files(release: Path) -> None:
    manifest = orjson.loads((release / "manifest.json").read_bytes())
    text = write_card(release, root=ROOT)
    meta = front_matter(text)["dataset_info"]
    parquet_rows = {
        name: sum(
            pq.ParquetFile(release / f).metadata.num_rows
            for f in info["files"]
            if f.endswith(".parquet")
        )
        for name, info in manifest["splits"].items()
    }
    assert {s["name"]: s["num_examples"] for s in meta["splits"]} == parquet_rows
    assert parquet_rows == {name: info["num_examples"] for name, info in manifest["splits"].items()}
    sizes = {f["path"]: f["bytes"] for f in manifest["files"]}
    assert meta["download_size"] == sum(
        sizes[f] for i in manifest["splits"].values() for f in i["files"] if f.endswith(".parquet")
    )
    splits = {row[0].strip("`*"): row for row in table_rows(text, "split")}
    for name, rows in parquet_rows.items():
        assert as_int(splits[name][1]) == rows
        assert as_int(splits[name][4]) == sum(
            sizes[f] for f in manifest["splits"][name]["files"] if f.endswith(".parquet")
        )
    assert as_int(splits["total"][1]) == manifest["counts"]["released"]
    counts = manifest["counts"]
    assert (
        f"{counts['extracted']} extracted = {counts['released']} released + "
        f"{counts['rejected']} rejected +\n{counts['deduplicated']} deduplicated"
    ) in text
    sources = {row[0].strip("`"): row for row in table_rows(text, "raw file")}
    for source in manifest["sources"]:
        row = sources[source["path"]]
        assert [as_int(c) for c in row[7:12]] == [
            source[k] for k in ("extracted", "released", "rejected", "deduplicated", "skipped")
        ]
    table = pa.concat_tables(
        pq.read_table(release / f)
        for i in manifest["splits"].values()
        for f in i["files"]
        if f.endswith(".parquet")
    )
    publishers = {row[0]: as_int(row[1]) for row in table_rows(text, "publisher")}
    expected = {}
    for value in table.column("publisher").to_pylist():
        expected[value] = expected.get(value, 0) + 1
    assert publishers == {md_text(k): v for k, v in expected.items()}
    kinds = {row[0]: as_int(row[1]) for row in table_rows(text, "kind")}
    assert kinds == {k: table.column("kind").to_pylist().count(k) for k in ("article", "teaser")}
    lengths = sorted(len(b) for b in table.column("body").to_pylist())
    assert f"minimum {lengths[0]:,}" in text
    assert f"maximum {lengths[-1]:,}" in text
    bins = table_rows(text, "body length (characters)")
    assert sum(as_int(row[1]) for row in bins) == len(lengths)
    assert sum(as_int(r[1]) for r in table_rows(text, "rule")) == counts["rejected"]
    files = {row[0].strip("`"): row for row in table_rows(text, "file")}
    for entry in manifest["files"]:
        assert as_int(files[entry["path"]][1]) == entry["bytes"]
        assert files[entry["path"]][2].strip("`") == entry["sha256"]


def test_text_from_the_data_cannot_break_the_card(tmp_path: Path) -> None:
    from huggingface_hub import DatasetCard

    dist = tmp_path / "dist"
    hostile = article(
        1, title=HOSTILE_TITLE, section="A | B\n---", publisher="Evil | <b>Pub</b>\n---"
    )
    make_release(
        dist,
        {"train": [hostile, article(2)], "validation": [], "test": []},
        config={
            "pretty_name": "Title: with ---\n| and <script>x</script>",
            "description": "Line one\n---\nLine <i>two</i> | pipe",
        },
    )
    text = write_card(dist, root=ROOT)
    assert validate_card_metadata(text) == []
    card = DatasetCard(text)
    assert card.data.pretty_name == "Title: with ---\n| and <script>x</script>"
    body = text.split("\n---\n", 1)[1]
    # inside a fenced code block markup is literal; everywhere else it must be escaped
    body = re.sub(r"^(`{3,})json\n.*?\n\1$", "", body, flags=re.S | re.M)
    assert "<script>" not in body
    assert "<b>" not in body
    assert "<i>" not in body
    assert "\n---\n" not in body.split("## Uses")[0]
    sections = table_rows(text, "section")
    assert all(len(row) == 3 for row in sections)
    assert any(row[0] == r"A \| B ---" for row in sections)
    publishers = table_rows(text, "publisher")
    assert all(len(row) == 3 for row in publishers)
    sources = table_rows(text, "raw file")
    assert all(len(row) == 12 for row in sources)
    fence = re.search(r"^(`{3,})json\n(.*?)\n\1$", text, re.S | re.M)
    assert fence
    assert orjson.loads(fence.group(2))["title"] == HOSTILE_TITLE


def test_md_text_escapes_markup() -> None:
    assert md_text("a | b\nc") == r"a \| b c"
    assert md_text("<script>") == "&lt;script&gt;"
    assert md_text("*x* _y_ `z` [l](u) $m$") == r"\*x\* \_y\_ \`z\` \[l\](u) \$m\$"
    assert md_text("# Title") == r"\# Title"
    assert md_text(None) == "—"


def test_card_is_deterministic(release: Path, tmp_path: Path) -> None:
    write_card(release, root=ROOT)
    first = {p: (release / p).read_bytes() for p in ("README.md", "croissant.json", CHART_PATH)}
    copy = tmp_path / "elsewhere" / "dist"
    shutil.copytree(release, copy)
    for p in first:
        (copy / p).unlink()
    write_card(copy, root=ROOT)
    assert {p: (copy / p).read_bytes() for p in first} == first
    assert first[CHART_PATH].startswith(b"\x89PNG")
    assert b"Software" not in first[CHART_PATH]
    assert b"tIME" not in first[CHART_PATH]


def test_update_card_keeps_prose_and_changes_nothing_when_data_did_not(
    release: Path, tmp_path: Path
) -> None:
    root = tmp_path / "project"
    (root / "card").mkdir(parents=True)
    prose = (
        (ROOT / "card" / "prose.md")
        .read_text(encoding="utf-8")
        .replace("### Motivation\n", "### Motivation\n\nA maintainer's own sentence.\n")
    )
    (root / "card" / "prose.md").write_text(prose, encoding="utf-8")
    update_card(release, root)
    card = release.parent / "DATASET_CARD.md"
    before = {
        p: p.read_bytes()
        for p in (card, release / "README.md", release / "croissant.json", release / CHART_PATH)
    }
    assert b"A maintainer's own sentence." in before[card]
    assert before[card] == before[release / "README.md"]
    update_card(release, root)
    assert {p: p.read_bytes() for p in before} == before
    assert (root / "card" / "prose.md").read_text(encoding="utf-8") == prose


def test_packaged_template_is_used_when_the_project_has_none(release: Path, tmp_path: Path) -> None:
    text = render_card(release, root=tmp_path)
    assert "add card/prose.md to the project" in text
    assert validate_card_metadata(text) == []


def test_unknown_placeholder_is_a_usage_error(release: Path, tmp_path: Path) -> None:
    from toolkit.errors import UsageError

    (tmp_path / "card").mkdir()
    (tmp_path / "card" / "prose.md").write_text(
        "# {{ pretty_name }}\n{{ nope }}\n", encoding="utf-8"
    )
    with pytest.raises(UsageError, match="unknown placeholder"):
        render_card(release, root=tmp_path)


def test_changes_hook_adds_a_section(release: Path) -> None:
    text = render_card(release, root=ROOT, changes="Since 0.9.0: 3 records added.")
    assert "## Changes\n\nSince 0.9.0: 3 records added.\n" in text
    assert "## Changes" not in render_card(release, root=ROOT)


def test_values_the_hub_does_not_accept_are_reported(release: Path) -> None:
    text = render_card(release, root=ROOT)
    bad = text.replace("license: other", "license: my-own").replace(
        "- text-classification", "- vibes"
    )
    problems = validate_card_metadata(bad)
    assert any(p.startswith("license: 'my-own'") for p in problems)
    assert any(p.startswith("task_categories: 'vibes'") for p in problems)
    assert validate_card_metadata("---\nlicense: [\n---\n") != []


def test_missing_manifest_is_a_release_error(tmp_path: Path) -> None:
    from toolkit.errors import ReleaseError

    with pytest.raises(ReleaseError, match="dtk build"):
        render_card(tmp_path, root=ROOT)


def test_card_of_the_committed_raw_build(raw_copy: Path, tmp_path: Path) -> None:
    """dtk build on raw/ writes a card that passes the offline checks, agrees with the manifest
    and with dtk check, and reads the maintainers' prose from the project root."""
    from toolkit.build.release import build_release
    from toolkit.config import load_config
    from toolkit.release.check import check_release

    dist = tmp_path / "dist"
    build_release(raw_copy, dist, config=load_config(ROOT))
    text = update_card(dist, ROOT)
    assert validate_card_metadata(text) == []
    assert "## Bias, risks and limitations" in text
    assert "Named private persons" in text
    manifest = orjson.loads((dist / "manifest.json").read_bytes())
    meta = front_matter(text)["dataset_info"]
    assert {s["name"]: s["num_examples"] for s in meta["splits"]} == {
        n: i["num_examples"] for n, i in manifest["splits"].items()
    }
    report = check_release(dist, load=False)
    assert [i.message for i in report.issues] == []


def test_card_text_escapes_ansi():
    from toolkit.card.render import md_text

    assert md_text("\x1b[31mred") == "\\\\x1b\\[31mred"
