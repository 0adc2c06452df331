"""Run the atheris fuzz targets for a bounded time with a seed corpus made from the tests' data.

    python fuzz/run.py --seconds 480 --jobs 2            # every target, 8 minutes each
    python fuzz/run.py --seconds 60 --target jsonl warc  # some targets

Each target keeps its growing corpus in ``fuzz/corpus/<target>/`` and its crashes in
``fuzz/crashes/<target>/``; the closing table gives executions and crashes per target. Not part
of the default pytest run (it needs the ``fuzz`` extra: ``pip install -e '.[fuzz]'``).
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGETS = ("jsonl", "json", "manifest", "text", "html", "warc", "profile")

_HTML = (
    b"<html><head><title>A headline</title><meta name='author' content='A. Writer'>"
    b"</head><body><nav>Home | News</nav><article><h1>A headline</h1>"
    b"<p>First paragraph of the story, long enough to count as prose for the extractor.</p>"
    b"<p>Second paragraph of the story, also long enough to be kept as article text.</p>"
    b"</article><footer>Subscribe</footer></body></html>"
)


def _warc_seed(gzipped: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzipped)
    headers = StatusAndHeaders(
        "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
    )
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/a", "response", payload=io.BytesIO(_HTML), http_headers=headers
        )
    )
    writer.write_record(
        writer.create_warc_record(
            "https://example.org/b",
            "resource",
            payload=io.BytesIO(b"plain"),
            warc_content_type="text/plain",
        )
    )
    return out.getvalue()


def seeds(target: str) -> dict[str, bytes]:
    """Seed inputs for ``target``, from tests/cases, raw/ and small built examples."""
    cases = ROOT / "tests" / "cases"
    found: dict[str, bytes] = {}
    if target in ("jsonl", "json"):
        suffix = ".json" if target == "json" else ".jsonl"
        for path in sorted(cases.rglob(f"*{suffix}")):
            if not path.name.endswith(".errors.json") and path.stat().st_size < 1 << 16:
                found[f"{path.parent.name}-{path.name}"] = path.read_bytes()
    elif target == "manifest":
        found["sources.jsonl"] = (ROOT / "raw" / "sources.jsonl").read_bytes()
        found["unsafe.jsonl"] = (
            b'{"path": "../etc/passwd", "sha256": "' + b"0" * 64 + b'", "format": "text", '
            b'"publisher": "X", "url": null, "retrieved_at": null, "language": "en", '
            b'"license": null}\n'
        )
    elif target == "text":
        for path in sorted((ROOT / "raw").glob("*.txt")):
            data = path.read_bytes()
            found[path.name] = data
            found[f"head-{path.name}"] = data[:4000]
    elif target == "html":
        found["page.html"] = _HTML
    elif target == "warc":
        found["plain.warc"] = _warc_seed(False)
        found["gz.warc.gz"] = _warc_seed(True)
        found["bomb.gz"] = gzip.compress(b"WARC/1.0\r\n" + b"\0" * 100_000)
    elif target == "profile":
        for path in sorted((ROOT / "toolkit" / "profiles").glob("*.json")):
            found[path.name] = path.read_bytes()
        found["minimal.json"] = b'{"end_markers": ["^END$"], "boilerplate": ["(a|b)+x"]}'
    return found


def run_target(target: str, seconds: int, rss_mb: int) -> dict[str, object]:
    corpus = HERE / "corpus" / target
    crashes = HERE / "crashes" / target
    logs = HERE / "logs"
    for directory in (corpus, crashes, logs):
        directory.mkdir(parents=True, exist_ok=True)
    for name, data in seeds(target).items():
        (corpus / f"seed-{name}").write_bytes(data)
    started = time.monotonic()
    executions = restarts = 0
    codes: list[int] = []
    # libFuzzer stops at the first crash and atheris has no working fork mode, so the target is
    # restarted (a fix made meanwhile is picked up) until its time is used up.
    while (left := seconds - int(time.monotonic() - started)) > 5 and restarts < 20:
        log = logs / f"{target}.{restarts}.log"
        command = [
            sys.executable,
            str(HERE / "harness.py"),
            target,
            str(corpus),
            f"-max_total_time={left}",
            f"-artifact_prefix={crashes}/",
            f"-rss_limit_mb={rss_mb}",
            "-timeout=30",
            "-max_len=65536",
            "-print_final_stats=1",
        ]
        with log.open("w") as handle:
            codes.append(
                subprocess.call(command, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)
            )
        text = log.read_text(errors="replace")
        runs = re.findall(r"stat::number_of_executed_units: (\d+)", text)
        done = re.findall(r"#(\d+)\s", text)
        executions += int(runs[-1]) if runs else int(done[-1]) if done else 0
        if codes[-1] == 0:
            break
        restarts += 1
    return {
        "target": target,
        "exit": max(codes, default=0),
        "executions": executions,
        "seconds": round(time.monotonic() - started),
        "crashes": len([p for p in crashes.iterdir() if not p.name.startswith(".")]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="time per target")
    parser.add_argument("--target", nargs="*", choices=TARGETS, default=list(TARGETS))
    parser.add_argument("--jobs", type=int, default=1, help="targets run at the same time")
    parser.add_argument("--rss-mb", type=int, default=2048, help="memory limit per target")
    args = parser.parse_args()
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda t: run_target(t, args.seconds, args.rss_mb), args.target))
    print(f"{'target':10} {'exit':>4} {'seconds':>7} {'executions':>11} {'crashes':>7}")
    for r in results:
        print(
            f"{r['target']:10} {r['exit']:>4} {r['seconds']:>7} {r['executions']:>11} "
            f"{r['crashes']:>7}"
        )
    return 1 if any(r["crashes"] or r["exit"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
