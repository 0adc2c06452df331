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

from toolkit.features import hf_features
from toolkit.files import sha256_file
from toolkit.issues import Issue, ValidationReport
from toolkit.schema import default_schemas, fast_validator
from toolkit.validate.messages import descriptions_of, fast_issues


def _issue(file: str, rule: str, message: str, line: int = 1, pointer: str = "") -> Issue:
    return Issue(file, line, pointer, rule, message)


def _check_files(dist: Path, manifest: dict[str, Any], report: ValidationReport) -> None:
    listed = {f["path"]: f for f in manifest.get("files", [])}
    for relative, entry in sorted(listed.items()):
        path = dist / relative
        report.files += 1
        if not path.is_file():
            report.issues.append(
                _issue(relative, "release.missing-file", "listed in manifest.json but missing")
            )
        elif path.stat().st_size != entry["bytes"] or sha256_file(path) != entry["sha256"]:
            report.issues.append(
                _issue(
                    relative,
                    "release.checksum",
                    "SHA-256 or size differs from manifest.json: the file was changed "
                    "after the build; rebuild with dtk build",
                )
            )
    for folder in ("data", "jsonl"):
        for path in sorted((dist / folder).glob("*")) if (dist / folder).is_dir() else []:
            relative = path.relative_to(dist).as_posix()
            if relative not in listed:
                report.issues.append(
                    _issue(relative, "release.unlisted-file", "file is not listed in manifest.json")
                )


def _check_rows(dist: Path, manifest: dict[str, Any], report: ValidationReport) -> None:
    schemas = default_schemas()
    validator = fast_validator(schemas.resolve_name("article"), schemas)
    descriptions = descriptions_of("article")
    seen: dict[str, str] = {}
    for split, info in manifest.get("splits", {}).items():
        parquet_ids: list[str] = []
        rows = 0
        for relative in info.get("files", []):
            path = dist / relative
            if not path.is_file():
                continue
            try:
                handle = pq.ParquetFile(path)
                batches = list(handle.iter_batches(batch_size=4096))
            except Exception as exc:  # a corrupt file: say so, keep checking the rest
                report.issues.append(
                    _issue(relative, "release.unreadable", f"cannot read Parquet: {exc}")
                )
                continue
            for batch in batches:
                for row in batch.to_pylist():
                    rows += 1
                    report.records += 1
                    if not validator.is_valid(row):
                        report.invalid_records += 1
                        report.issues += [
                            Issue(relative, rows, i.pointer, "release.schema", i.message)
                            for i in fast_issues(
                                validator, row, file=relative, line=rows, descriptions=descriptions
                            )
                        ]
                    rid = row.get("id")
                    parquet_ids.append(rid)
                    if rid in seen:
                        report.issues.append(
                            _issue(
                                relative,
                                "release.duplicate-id",
                                f"id {rid} is also in split {seen[rid]!r}",
                                line=rows,
                            )
                        )
                    seen[rid] = split
        if rows != info.get("num_examples"):
            report.issues.append(
                _issue(
                    "manifest.json",
                    "release.count",
                    f"split {split!r} has {rows} rows, manifest says {info.get('num_examples')}",
                )
            )
        jsonl = dist / "jsonl" / f"{split}.jsonl"
        if jsonl.is_file():
            with jsonl.open("rb") as handle:
                jsonl_ids = [orjson.loads(line).get("id") for line in handle if line.strip()]
            if jsonl_ids != parquet_ids:
                report.issues.append(
                    _issue(
                        jsonl.relative_to(dist).as_posix(),
                        "release.jsonl-mismatch",
                        "the JSONL copy does not hold the same records as the Parquet files",
                    )
                )


def _check_card(dist: Path, manifest: dict[str, Any], report: ValidationReport, load: bool) -> None:
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
    for split, info in manifest.get("splits", {}).items():
        # An empty split is left out of the card (datasets cannot load it), as 0 examples.
        if declared.get(split, 0) != info.get("num_examples"):
            report.issues.append(
                _issue(
                    "README.md",
                    "release.count",
                    f"card says {declared.get(split)} examples in {split!r}, "
                    f"manifest says {info.get('num_examples')}",
                )
            )
    if not load:
        return
    import datasets

    try:
        loaded = datasets.load_dataset(str(dist))
    except Exception as exc:
        report.issues.append(
            _issue("README.md", "release.load", f"datasets.load_dataset fails: {exc}")
        )
        return
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
    manifest_path = dist / "manifest.json"
    try:
        manifest = orjson.loads(manifest_path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        report.issues.append(
            _issue(
                "manifest.json",
                "release.missing-file",
                f"cannot read {manifest_path}: {exc}; is this a release folder?",
            )
        )
        return report
    _check_files(dist, manifest, report)
    _check_rows(dist, manifest, report)
    _check_card(dist, manifest, report, load)
    return report
