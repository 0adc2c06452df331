"""The card renders in its own step: the build's extract, dedup and write stages run without
the card's heavy libraries (matplotlib, ``datasets``, ``huggingface_hub``) loaded, in a fresh
interpreter, whether or not a previous release is there to compare against."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import orjson

from tests.helpers import ROOT
from tests.helpers.records import submission
from tests.helpers.sources import add_jsonl_source

HEAVY = ("matplotlib", "datasets", "huggingface_hub")

_RUNNER = textwrap.dedent(
    """
    import json, sys
    from contextlib import contextmanager
    from pathlib import Path
    from toolkit.build.release import build_release
    from toolkit.progress import Progress, Stage

    HEAVY = {heavy!r}
    seen = []

    class Watch(Progress):
        @contextmanager
        def stage(self, name, total=None, unit="records"):
            seen.append((name, sorted(m for m in HEAVY if m in sys.modules)))
            yield Stage()

    build_release(Path(sys.argv[1]), Path(sys.argv[2]), workers=1, progress=Watch())
    print(json.dumps(seen))
    """
)


def test_heavy_imports_wait_for_the_card_step(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    add_jsonl_source(raw, "a.jsonl", [orjson.dumps(submission(i)) + b"\n" for i in range(5)])
    out = tmp_path / "dist"
    for _ in range(2):  # the second build compares with the release the first one made
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER.format(heavy=HEAVY), str(raw), str(out)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            cwd=tmp_path,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        seen = json.loads(done.stdout.strip().splitlines()[-1])
        assert seen == [["extract", []], ["dedup", []], ["write", []], ["card", []]]
        assert (out / "images" / "body_length.png").is_file()
