"""Validation speed and memory, side by side with the peers, on the same synthetic file.

    python benchmarks/run.py --records 200000            # generate, then run every method
    python benchmarks/run.py --records 100000 --flatness 1000000   # plus the memory check

Every method runs in its own subprocess; peak RSS is that process's ``ru_maxrss`` plus, for
process pools, the largest worker's times the worker count (an upper bound); "largest process"
is the larger of the parent's and the largest worker's, the figure issue 14 caps. The
jsonschema loop runs on a sample of ``--sample`` records and is extrapolated (stated in the
table). Prints only: speed targets are never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def raw_folder(path: Path, raw: Path) -> None:
    """``raw/`` holding the generated file (hard-linked, or copied across file systems: the
    manifest refuses links out of raw/) and its manifest entry."""
    import shutil

    from toolkit.files import sha256_file

    raw.mkdir()
    try:
        os.link(path, raw / "submissions.jsonl")
    except OSError:
        shutil.copyfile(path, raw / "submissions.jsonl")
    entry = {
        "path": "submissions.jsonl",
        "sha256": sha256_file(path),
        "format": "jsonl",
        "publisher": "Example News",
        "url": None,
        "retrieved_at": None,
        "language": "en",
        "license": None,
    }
    (raw / "sources.jsonl").write_text(json.dumps(entry) + "\n")


def _lines(path: Path, limit: int | None = None) -> list[bytes]:
    out = []
    with path.open("rb") as handle:
        for line in handle:
            out.append(line)
            if limit and len(out) >= limit:
                break
    return out


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (pool workers), user + system."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_method(method: str, path: Path, sample: int, workers: int) -> dict[str, object]:
    """Runs inside the child process; returns records processed and seconds."""
    start = time.perf_counter()
    cpu_start = _cpu_seconds()
    records = 0
    extrapolated = False
    if method in ("dtk-validate", "dtk-validate-exact"):
        from toolkit.validate.paths import validate_paths

        exact = method.endswith("exact")
        report = validate_paths([path], workers=workers, dist=None, exact=exact)
        records = report.records
        digest = hashlib.sha256(json.dumps(report.to_dict()).encode()).hexdigest()[:12]
        note = f"{len(report.errors)} errors, report sha256 {digest}"
    elif method == "jsonschema-loop":
        import jsonschema  # noqa: F401

        from toolkit.schema import default_schemas, reference_validator

        schemas = default_schemas()
        validator = reference_validator(schemas.resolve_name("submission"), schemas)
        start = time.perf_counter()
        cpu_start = _cpu_seconds()
        errors = 0
        for line in _lines(path, sample):
            try:
                errors += len(list(validator.iter_errors(json.loads(line))))
            except ValueError:
                errors += 1
            records += 1
        extrapolated = True
        note = f"sample of {records}, extrapolated"
    elif method == "jsonschema-rs":
        import orjson

        from toolkit.schema import default_schemas, fast_validator

        schemas = default_schemas()
        validator = fast_validator(schemas.resolve_name("submission"), schemas)
        start = time.perf_counter()
        cpu_start = _cpu_seconds()
        errors = 0
        with path.open("rb") as handle:
            for line in handle:
                records += 1
                try:
                    value = orjson.loads(line)
                except orjson.JSONDecodeError:
                    errors += 1
                    continue
                if not validator.is_valid(value):
                    errors += len(list(validator.iter_errors(value)))
        note = "is_valid, iter_errors on failures; 1 process"
    elif method in ("pyarrow-read", "pyarrow-read-write-zstd"):
        import pyarrow.json as pj
        import pyarrow.parquet as pq

        from toolkit.features import arrow_schema

        options = pj.ParseOptions(explicit_schema=arrow_schema("submission"))
        table = pj.read_json(path, parse_options=options)
        records = table.num_rows
        if method.endswith("zstd"):
            with tempfile.TemporaryDirectory() as tmp:
                pq.write_table(table, Path(tmp) / "out.parquet", compression="zstd")
        note = "clean file"
    elif method == "hf-datasets":
        import datasets

        datasets.disable_progress_bars()
        with tempfile.TemporaryDirectory() as tmp:
            dataset = datasets.Dataset.from_json(str(path), cache_dir=tmp)
            dataset.to_parquet(str(Path(tmp) / "out.parquet"))
            records = dataset.num_rows
        note = "clean file, from_json + to_parquet"
    elif method == "dtk-build":
        from toolkit.build.release import build_release

        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw"
            raw_folder(path, raw)
            start = time.perf_counter()
            cpu_start = _cpu_seconds()
            build_release(raw, Path(tmp) / "dist", workers=workers)
        records = sum(1 for _ in path.open("rb"))
        note = "1%-invalid file: validate, dedup, split, Parquet zstd + JSONL, rejects, card"
    else:
        raise SystemExit(f"unknown method {method}")
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu_start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    pool = workers if method in ("dtk-validate", "dtk-build") and workers > 1 else 0
    return {
        "records": records,
        "seconds": seconds,
        "cpu_us": cpu / max(records, 1) * 1e6,
        "note": note,
        "extrapolated": extrapolated,
        "rss_mb": (own + pool * children) / 1024,
        # The largest single process: the issue 14 target is per process.
        "largest_mb": max(own, children if pool else 0) / 1024,
    }


def measure(method: str, path: Path, sample: int = 5000, workers: int = 1) -> dict[str, object]:
    """Run one method in a fresh interpreter and return its figures (or the error)."""
    command = [
        sys.executable,
        __file__,
        "--child",
        method,
        "--file",
        str(path),
        "--sample",
        str(sample),
        "--workers",
        str(workers),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:90]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(rows: list[tuple[str, dict[str, object]]], size_mb: float, total: int) -> str:
    base = next((r for name, r in rows if name == "jsonschema loop" and "error" not in r), None)
    base_rate = base["records"] / base["seconds"] if base else None  # type: ignore[operator]
    out = [
        "| method | rec/s | MB/s | CPU µs/rec | peak RSS MB | largest process MB "
        "| vs jsonschema loop | CPU ratio | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in rows:
        if "error" in r:
            out.append(f"| {name} | – | – | – | – | – | – | – | failed: {r['error']} |")
            continue
        rate = r["records"] / r["seconds"]  # type: ignore[operator]
        mbps = rate * size_mb / total
        ratio = f"{rate / base_rate:.1f}×" if base_rate else "–"
        cpu_ratio = f"{base['cpu_us'] / r['cpu_us']:.1f}×" if base else "–"  # type: ignore[operator]
        out.append(
            f"| {name} | {rate:,.0f} | {mbps:,.1f} | {r['cpu_us']:,.1f} | {r['rss_mb']:,.0f} "
            f"| {r.get('largest_mb', 0):,.0f} | {ratio} | {cpu_ratio} | {r['note']} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--invalid", type=float, default=0.01)
    parser.add_argument("--sample", type=int, default=5000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "dtk-bench")
    parser.add_argument(
        "--flatness",
        type=int,
        default=0,
        help="also validate this many records and compare peak RSS",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated methods to run (default: all), e.g. dtk-validate,jsonschema-loop",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_method(args.child, args.file, args.sample, args.workers)))
        return
    from generate import generate

    args.dir.mkdir(parents=True, exist_ok=True)
    dirty = args.dir / f"dirty-{args.records}.jsonl"
    clean = args.dir / f"clean-{args.records}.jsonl"
    for path, fraction in ((dirty, args.invalid), (clean, 0.0)):
        if not path.exists():
            generate(path, args.records, fraction, seed=7)
    size_mb = dirty.stat().st_size / 1e6
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    print(f"machine: nproc={os.cpu_count()}, {cpu}; python {sys.version.split()[0]}")
    print(f"file: {args.records:,} records, {size_mb:,.0f} MB, {args.invalid:.0%} invalid\n")
    plan = [
        ("dtk validate, 1 worker", "dtk-validate", dirty, 1),
        ("dtk validate, 2 workers", "dtk-validate", dirty, 2),
        ("dtk validate --exact path, 1 worker", "dtk-validate-exact", dirty, 1),
        ("jsonschema loop", "jsonschema-loop", dirty, 1),
        ("jsonschema-rs loop", "jsonschema-rs", dirty, 1),
        ("pyarrow read_json", "pyarrow-read", clean, 1),
        ("pyarrow read_json + zstd", "pyarrow-read-write-zstd", clean, 1),
        ("HF datasets from_json + to_parquet", "hf-datasets", clean, 1),
        ("dtk build, 1 worker", "dtk-build", dirty, 1),
        ("dtk build, 2 workers", "dtk-build", dirty, 2),
    ]
    only = {name for name in args.only.split(",") if name}
    rows = [
        (label, measure(method, path, sample=args.sample, workers=workers))
        for label, method, path, workers in plan
        if not only or method in only
    ]
    print(_table(rows, size_mb, args.records))
    if args.flatness:
        big = args.dir / f"dirty-{args.flatness}.jsonl"
        if not big.exists():
            generate(big, args.flatness, args.invalid, seed=7)
        small = measure("dtk-validate", dirty, workers=2)
        large = measure("dtk-validate", big, workers=2)
        print(
            f"\nmemory flatness (2 workers): {args.records:,} records "
            f"{small.get('rss_mb', 0):,.0f} MB, {args.flatness:,} records "
            f"{large.get('rss_mb', 0):,.0f} MB peak RSS"
        )


if __name__ == "__main__":
    main()
