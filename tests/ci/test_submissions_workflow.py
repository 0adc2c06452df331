"""The CI recipe for submissions: the workflow runs ``.github/scripts/check-submissions.sh``, and
this test runs that same script on a throwaway dataset repository with a pull-request branch, so
the recipe cannot drift from what works."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT
from tests.helpers.git import git
from tests.helpers.records import NEW_FILE, SUBMISSIONS, short_submission
from tests.helpers.releases import build_version
from tests.helpers.sources import write_raw

WORKFLOW = ROOT / ".github" / "workflows" / "validate-submissions.yml"
SCRIPT = ROOT / ".github" / "scripts" / "check-submissions.sh"


def _run_steps() -> list[str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    [job] = workflow["jobs"].values()
    return [step["run"] for step in job["steps"] if "run" in step]


def test_workflow_installs_the_toolkit_and_runs_the_shared_script() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on:` as True
    install, check = _run_steps()
    assert "pip install -c constraints.txt -e '.[html,warc]'" in install
    assert check == (
        'bash .github/scripts/check-submissions.sh "origin/${{ github.base_ref }}" github'
    )


def _dataset_repo(tmp_path: Path) -> Path:
    """A dataset repository on ``main`` with a published release of version 1.0.0."""
    repo = tmp_path / "dataset"
    write_raw(repo / "raw", {"a.jsonl": SUBMISSIONS})
    (repo / "pyproject.toml").write_text(
        '[tool.dtk]\nname = "test"\nversion = "1.0.0"\n', encoding="utf-8"
    )
    build_version(repo / "raw", repo / "dist", "1.0.0")
    (repo / "dist.card.md").unlink()
    (repo / ".github" / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, repo / ".github" / "scripts" / SCRIPT.name)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "release 1.0.0")
    git(repo, "checkout", "-q", "-b", "contribution")
    return repo


def _check(repo: Path) -> subprocess.CompletedProcess[str]:
    """The workflow's check step, as written in the workflow, with ``main`` as the base."""
    [command] = [run for run in _run_steps() if SCRIPT.name in run]
    command = command.replace('"origin/${{ github.base_ref }}"', "main")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
    }
    env.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(
        ["bash", "-c", command],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_check_passes_a_good_contribution_and_annotates_a_bad_one(tmp_path: Path) -> None:
    repo = _dataset_repo(tmp_path)
    (repo / "raw" / "submissions").mkdir()
    write_raw(repo / "raw", {"a.jsonl": SUBMISSIONS, "submissions/b.jsonl": NEW_FILE})
    (repo / "pyproject.toml").write_text(
        '[tool.dtk]\nname = "test"\nversion = "1.1.0"\n', encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "two new records")

    good = _check(repo)
    assert good.returncode == 0, good.stdout + good.stderr
    # 4 = the two new records and the two entries of the changed raw/sources.jsonl
    assert good.stdout.startswith("valid: 4 records checked, 0 invalid, 0 errors\n")
    assert "built " in good.stdout
    assert "records: 2 added, 0 removed, 0 changed, 0 moved split;" in good.stdout

    bad_record = short_submission("A record already released", "Its body.")
    bad_record.pop("kind")
    write_raw(
        repo / "raw",
        {"a.jsonl": SUBMISSIONS, "submissions/b.jsonl": [*NEW_FILE, SUBMISSIONS[0], bad_record]},
    )
    git(repo, "commit", "-q", "-am", "a duplicate and a record without kind")
    bad = _check(repo)
    assert bad.returncode == 1
    annotations = [line for line in bad.stdout.splitlines() if line.startswith("::error")]
    assert [a.split("::")[1].split(",title=")[0] for a in annotations] == [
        "error file=raw/submissions/b.jsonl,line=3,col=1",
        "error file=raw/submissions/b.jsonl,line=4,col=1",
    ]
    assert "built " not in bad.stdout
