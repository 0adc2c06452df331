"""Progress (issue 15): a rich live display per stage on a terminal, plain periodic lines
elsewhere, nothing with --quiet, and nothing from other libraries in dtk check."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from toolkit.progress import LineProgress, Progress, RichProgress, make_progress

ROOT = Path(__file__).resolve().parents[2]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_every_interval_with_rate_and_eta():
    clock, out = FakeClock(), io.StringIO()
    progress = LineProgress(out, interval=5.0, clock=clock)
    with progress.stage("extract", total=10, unit="files") as step:
        for _ in range(4):
            clock.now += 2.0
            step.advance(1, "40 records")
    assert out.getvalue() == (
        "extract: 3/10 files (30%), 0.5 files/s, ETA 0:00:14; 40 records\n"
        "extract: 4/10 files (40%), 0.5 files/s, ETA 0:00:12; 40 records; done in 0:00:08\n"
    )


def test_a_quick_stage_prints_nothing():
    out = io.StringIO()
    with LineProgress(out, interval=5.0).stage("dedup", total=3) as step:
        step.advance(3)
    assert out.getvalue() == ""


def test_notes_from_the_data_are_escaped():
    clock, out = FakeClock(), io.StringIO()
    with LineProgress(out, interval=0.0, clock=clock).stage("extract") as step:
        step.advance(1, "file\x1b[31m\nname")
    assert "\x1b" not in out.getvalue()
    assert "file\\x1b[31m\\nname" in out.getvalue()


def test_rich_display_has_count_rate_and_eta():
    out = Tty()
    progress = RichProgress(out)
    with progress.stage("extract", total=3, unit="files") as step:
        for _ in range(3):
            step.advance(1, "12 records")
    text = out.getvalue()
    for part in ("extract", "3/3", "files", "100%", "ETA", "12 records"):
        assert part in text


def test_make_progress_picks_the_renderer():
    assert type(make_progress(quiet=True, stream=Tty())) is Progress
    assert isinstance(make_progress(stream=io.StringIO()), LineProgress)
    assert isinstance(make_progress(stream=Tty()), RichProgress)


def test_build_reports_every_stage(raw_copy, tmp_path):
    from toolkit.build.release import build_release
    from toolkit.config import DatasetConfig

    out = io.StringIO()
    config = DatasetConfig(license="mit", task_categories=["text-classification"])
    build_release(
        raw_copy, tmp_path / "dist", config=config, progress=LineProgress(out, interval=0)
    )
    stages = [line.split(":")[0] for line in out.getvalue().splitlines() if "done in" in line]
    assert stages == ["extract", "dedup", "write", "card"]


def test_build_quiet_prints_no_progress(raw_copy, tmp_path, run_dtk, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dtk]\nlicense = "mit"\ntask_categories = ["text-classification"]\n'
    )
    monkeypatch.chdir(tmp_path)
    result = run_dtk("build", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_dtk_check_shows_nothing_from_datasets(tmp_path):
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        HF_DATASETS_CACHE=str(tmp_path / "cache"),  # a cold cache: datasets generates splits
        HF_HUB_OFFLINE="1",
    )
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "check", str(ROOT / "dist"), "--color", "never"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("valid: ")


def test_validate_reports_its_stage(tmp_path):
    from toolkit import validate_paths

    path = tmp_path / "a.jsonl"
    path.write_text('{"title": 1}\n')
    out = io.StringIO()
    validate_paths([path], dist=None, progress=LineProgress(out, interval=0))
    first, last = out.getvalue().splitlines()
    assert first.startswith("validate: 1/1 parts (100%), ")
    assert first.endswith(" parts/s; 1 records, 5 errors")
    assert last.startswith("validate: 1/1 parts (100%), ")
    assert last.endswith(" parts/s; 1 records, 5 errors; done in 0:00:00")
