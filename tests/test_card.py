"""The dataset card: YAML made by the libraries' helpers, load_dataset on the release, escaping of
text from the data, every number against manifest.json and the Parquet files, determinism, and
the maintainers' template. Releases are built here from hand-made records (``make_release``), so
these tests do not depend on the extractors; ``test_card_of_real_raw`` builds the committed raw/.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from toolkit import __version__
from toolkit.build.writers import SplitWriter
from toolkit.card.render import (
    CHART_PATH,
    md_text,
    render_card,
    update_card,
    validate_card_metadata,
    write_card,
)
from toolkit.features import arrow_schema, hf_features

ROOT = Path(__file__).resolve().parent.parent
SHA = "a" * 64
HOSTILE_TITLE = (
    "Breaking | news\n---\n<script>alert('x')</script> *bold* [link](http://x) `code` $x$"
)


def article(n: int, **changes: Any) -> dict[str, Any]:
    """A valid article record; ``n`` makes the id and text unique."""
    record = {
        "title": f"Headline number {n}",
        "body": f"Paragraph {n}. " + "Men of conscription age left for Georgia. " * (3 + 7 * n),
        "publisher": "Worldcrunch" if n % 3 else "Mother Jones",
        "language": "en",
        "url": f"https://example.org/story/{n}",
        "published": f"2022-09-{10 + n:02d}",
        "section": ["Ideas", "World", None][n % 3],
        "dek": f"Standfirst {n}.",
        "image_caption": None,
        "authors": ["Anna Akage"] if n % 2 else [],
        "kind": "article" if n % 2 else "teaser",
        "retrieved_at": None,
        "license": "Publisher's copyright",
        "id": f"{n:016x}",
        "provenance": {
            "source_file": "000_a.txt" if n % 3 else "004_b.txt",
            "source_sha256": SHA,
            "source_url": None,
            "span": {
                "start_line": n + 1,
                "end_line": n + 3,
                "byte_offset": None,
                "byte_length": None,
            },
            "extractor": "text@1.0.0",
            "retrieved_at": None,
            "license": "Publisher's copyright",
            "toolkit_version": __version__,
        },
    }
    record.update(changes)
    return record


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_release(
    dist: Path,
    splits: dict[str, list[dict[str, Any]]],
    *,
    rejects: list[dict[str, Any]] = (),
    duplicates: list[dict[str, Any]] = (),
    config: dict[str, Any] | None = None,
    rows_per_shard: int = 200_000,
) -> dict[str, Any]:
    """A release folder as build_release lays it out: Parquet + JSONL per split, rejects,
    duplicates and manifest.json (no card yet)."""
    dist.mkdir(parents=True, exist_ok=True)
    schema = arrow_schema("article")
    split_info, paths = {}, []
    for name, records in splits.items():
        writer = SplitWriter(dist, name, len(records), schema, rows_per_shard=rows_per_shard)
        if records:
            writer.write(pa.Table.from_pylist(records, schema=schema))
        paths += writer.close()
        split_info[name] = {
            "num_examples": writer.rows,
            "files": [p.relative_to(dist).as_posix() for p in writer.paths],
        }
    for name, rows in (("rejects.jsonl", rejects), ("duplicates.jsonl", duplicates)):
        (dist / name).write_bytes(
            b"".join(orjson.dumps(r, option=orjson.OPT_SORT_KEYS) + b"\n" for r in rows)
        )
        paths.append(dist / name)
    released = sum(len(r) for r in splits.values())
    all_records = [r for records in splits.values() for r in records]
    sources = []
    for source_file, publisher in (("000_a.txt", "Worldcrunch"), ("004_b.txt", "Mother Jones")):
        mine = [r for r in all_records if r["provenance"]["source_file"] == source_file]
        rej = sum(1 for r in rejects if r.get("source_file") == source_file)
        dup = sum(1 for d in duplicates if d.get("source_file") == source_file)
        sources.append(
            {
                "path": source_file,
                "sha256": SHA,
                "format": "text",
                "publisher": publisher,
                "url": None,
                "retrieved_at": None,
                "language": "en",
                "license": "Publisher's copyright",
                "profile": None,
                "extractors": ["text@1.0.0"] if mine else [],
                "extracted": len(mine) + rej + dup,
                "released": len(mine),
                "rejected": rej,
                "deduplicated": dup,
                "skipped": 0,
            }
        )
    cfg = {
        "name": "russia-mobilization-news",
        "pretty_name": "News coverage of Russia's mobilization",
        "version": "1.0.0",
        "license": "other",
        "split_ratios": {"train": 0.8, "validation": 0.1, "test": 0.1},
        "dedup_threshold": 0.7,
        "tags": [],
        "task_categories": [],
        "description": "",
    }
    cfg.update(config or {})
    manifest = {
        "name": cfg["name"],
        "version": cfg["version"],
        "toolkit_version": __version__,
        "built_at": None,
        "config": cfg,
        "schema": {"name": "article", "sha256": "b" * 64},
        "counts": {
            "extracted": released + len(rejects) + len(duplicates),
            "released": released,
            "rejected": len(rejects),
            "deduplicated": len(duplicates),
            "skipped": 0,
        },
        "splits": split_info,
        "sources": sources,
        "files": sorted(
            (
                {
                    "path": p.relative_to(dist).as_posix(),
                    "sha256": _sha256(p),
                    "bytes": p.stat().st_size,
                }
                for p in paths
            ),
            key=lambda f: f["path"],
        ),
    }
    (dist / "manifest.json").write_bytes(
        orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    )
    return manifest


def standard_release(dist: Path, **kwargs: Any) -> dict[str, Any]:
    """Ten records in train, two in validation, one in test, one reject, one duplicate."""
    splits = {
        "train": [article(n) for n in range(10)],
        "validation": [article(n) for n in (10, 11)],
        "test": [article(12)],
    }
    rejects = [
        {
            "source_file": "000_a.txt",
            "line": 5,
            "rule": "required",
            "errors": [],
            "id": None,
            "record": None,
            "span": None,
        }
    ]
    duplicates = [
        {
            "id": "00000000000000ff",
            "duplicate_of": f"{1:016x}",
            "kind": "near",
            "similarity": 0.9,
            "source_file": "004_b.txt",
            "span": None,
        }
    ]
    return make_release(dist, splits, rejects=rejects, duplicates=duplicates, **kwargs)


@pytest.fixture
def release(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    standard_release(dist)
    return dist


def front_matter(text: str) -> dict[str, Any]:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert match, "the card has no YAML front matter"
    return yaml.safe_load(match.group(1))


def table_rows(text: str, header_start: str) -> list[list[str]]:
    """Cells of the Markdown table whose header row begins with ``| header_start |``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {header_start} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def as_int(cell: str) -> int:
    return int(cell.replace(",", ""))


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
