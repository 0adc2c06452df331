"""``check_release``: does a release folder hold what its manifest and card say?

Checksums and sizes against ``manifest.json``, every row of every Parquet and JSONL file against
the article schema, the JSONL copy row for row against the Parquet files, ids unique across
splits, counts against the manifest and the card, and finally ``datasets.load_dataset`` with the
declared features. Problems come back as issues in a :class:`ValidationReport`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq

from toolkit.errors import ManifestError
from toolkit.features import hf_features
from toolkit.issues import Issue, ValidationReport
from toolkit.release.folder import MANIFEST_FILE, ReleaseManifest, unsafe_path
from toolkit.validate.record import RecordSchema, validate_record


def _issue(file: str, rule: str, message: str, line: int = 1, pointer: str = "") -> Issue:
    return Issue(file, line, pointer, rule, message)


def _check_rows(dist: Path, manifest: ReleaseManifest, report: ValidationReport) -> None:
    """Every row of every split against the article schema, streamed one batch at a time."""
    article = RecordSchema.load("article")
    seen: dict[str, str] = {}
    for split, info in manifest.splits.items():
        parquet_ids: list[str] = []
        rows = 0
        for relative in info.files:
            path = dist / relative
            if unsafe_path(relative) or not path.is_file():
                continue  # reported by ReleaseManifest.verify, never opened
            try:
                handle = pq.ParquetFile(path)
                for batch in handle.iter_batches(batch_size=4096):
                    for row in batch.to_pylist():
                        rows += 1
                        _check_row(row, relative, rows, split, article, seen, report)
                        parquet_ids.append(row.get("id"))
            except Exception as exc:  # a corrupt file: say so, keep checking the rest
                report.issues.append(
                    _issue(relative, "release.unreadable", f"cannot read Parquet: {exc}")
                )
                continue
        if rows != info.num_examples:
            report.issues.append(
                _issue(
                    MANIFEST_FILE,
                    "release.count",
                    f"split {split!r} has {rows} rows, manifest says {info.num_examples}",
                )
            )
        jsonl = dist / "jsonl" / f"{split}.jsonl"
        if jsonl.is_file():
            with jsonl.open("rb") as lines:
                jsonl_ids = [orjson.loads(line).get("id") for line in lines if line.strip()]
            if jsonl_ids != parquet_ids:
                report.issues.append(
                    _issue(
                        jsonl.relative_to(dist).as_posix(),
                        "release.jsonl-mismatch",
                        "the JSONL copy does not hold the same records as the Parquet files",
                    )
                )


def _check_row(
    row: dict[str, Any],
    relative: str,
    line: int,
    split: str,
    article: RecordSchema,
    seen: dict[str, str],
    report: ValidationReport,
) -> None:
    report.records += 1
    issues = validate_record(row, article, file=relative, line=line)
    if issues:
        report.invalid_records += 1
        report.issues += [
            Issue(relative, line, i.pointer, "release.schema", i.message) for i in issues
        ]
    rid: Any = row.get("id")
    if rid in seen:
        report.issues.append(
            _issue(
                relative, "release.duplicate-id", f"id {rid} is also in split {seen[rid]!r}", line
            )
        )
    seen[rid] = split


def _check_card(
    dist: Path, manifest: ReleaseManifest, report: ValidationReport, load: bool
) -> None:
    card = dist / "README.md"
    if not card.is_file():
        report.issues.append(
            _issue("README.md", "release.missing-file", "the dataset card is missing")
        )
        return
    from huggingface_hub import DatasetCard

    data = DatasetCard.load(card).data.to_dict()
    declared = {
        s["name"]: s.get("num_examples") for s in (data.get("dataset_info") or {}).get("splits", [])
    }
    for split, info in manifest.splits.items():
        # An empty split is left out of the card (datasets cannot load it), as 0 examples.
        if declared.get(split, 0) != info.num_examples:
            report.issues.append(
                _issue(
                    "README.md",
                    "release.count",
                    f"card says {declared.get(split)} examples in {split!r}, "
                    f"manifest says {info.num_examples}",
                )
            )
    if not load:
        return
    import datasets

    # datasets draws its own "Generating train split" bars on stderr; dtk check prints only its
    # report (issue 15).
    bars = datasets.is_progress_bar_enabled()
    datasets.disable_progress_bars()
    try:
        loaded = datasets.load_dataset(str(dist))
    except Exception as exc:
        report.issues.append(
            _issue("README.md", "release.load", f"datasets.load_dataset fails: {exc}")
        )
        return
    finally:
        if bars:
            datasets.enable_progress_bars()
    for split, ds in loaded.items():
        if ds.features != hf_features("article"):
            report.issues.append(
                _issue(
                    "README.md",
                    "release.load",
                    f"split {split!r} loads with features other than the schema's",
                )
            )


def check_release(dist: Path = Path("dist"), *, load: bool = True) -> ValidationReport:
    """Every problem found in the release at ``dist``; ``load=False`` skips ``load_dataset``."""
    report = ValidationReport()
    try:
        manifest = ReleaseManifest.read(dist)
    except ManifestError as exc:
        missing = not (dist / MANIFEST_FILE).is_file()
        rule = "release.missing-file" if missing else "release.manifest"
        report.issues.append(_issue(MANIFEST_FILE, rule, f"{exc}; is this a release folder?"))
        return report
    report.files += len(manifest.files)
    report.issues += manifest.verify(dist)
    _check_rows(dist, manifest, report)
    _check_card(dist, manifest, report, load)
    return report
