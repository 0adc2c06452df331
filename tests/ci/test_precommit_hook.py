"""The ``dtk-validate`` pre-commit hook, run with ``pre-commit try-repo`` on a throwaway repository
holding a good and a bad submission, as a contributor's repository would run it.

pre-commit installs the toolkit into a fresh environment the first time, from a snapshot of this
checkout (a fixed commit, so the second run reuses that environment). With ``pre-commit-uv`` (a
dev dependency) that takes ~20 s with a warm uv cache instead of more than a minute with pip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.helpers import CASES, ROOT
from tests.helpers.git import git

#: What pip needs to install the toolkit from a checkout, plus the hook manifest.
SNAPSHOT = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "toolkit", "schema"]


def _commit_all(repo: Path) -> str:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot")
    return git(repo, "rev-parse", "HEAD")


def _pre_commit() -> list[str]:
    executable = Path(sys.executable).with_name("pre-commit")
    if not executable.exists():
        pytest.fail("pre-commit is not installed: pip install -e . --group dev")
    return [str(executable)]


def test_hook_manifest_matches_submissions_and_manifest_only() -> None:
    import re

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"]) == (
        "dtk-validate",
        "dtk validate",
        "python",
    )
    pattern = re.compile(hook["files"])
    matched = [
        "submissions/new.jsonl",
        "submissions/2024/batch.json",
        "raw/sources.jsonl",
        "data/submissions/x.jsonl",
    ]
    ignored = [
        "raw/000_page.txt",
        "README.md",
        "submissions/notes.md",
        "dist/jsonl/train.jsonl",
        "raw/sources.jsonl.bak",
    ]
    assert [p for p in matched if not pattern.search(p)] == []
    assert [p for p in ignored if pattern.search(p)] == []


@pytest.mark.slow
def test_hook_passes_good_and_fails_bad_submission(
    tmp_path: Path, run_dtk: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    toolkit = tmp_path / "toolkit-repo"
    toolkit.mkdir()
    for name in SNAPSHOT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, toolkit / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        elif source.is_file():
            shutil.copy2(source, toolkit / name)
    rev = _commit_all(toolkit)

    data = tmp_path / "dataset-repo"
    (data / "submissions").mkdir(parents=True)
    shutil.copy(CASES / "valid" / "minimal.jsonl", data / "submissions" / "good.jsonl")
    shutil.copy(CASES / "invalid" / "article_schema.jsonl", data / "submissions" / "bad.jsonl")
    _commit_all(data)

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *_pre_commit(),
                "try-repo",
                str(toolkit),
                "dtk-validate",
                "--ref",
                rev,
                "--color",
                "never",
                "--files",
                *files,
            ],
            cwd=data,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    good = try_repo("submissions/good.jsonl")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "dtk validate" in good.stdout
    assert "Passed" in good.stdout

    bad = try_repo("submissions/good.jsonl", "submissions/bad.jsonl")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "- hook id: dtk-validate\n- exit code: 1\n" in bad.stdout
    monkeypatch.chdir(data)
    expected = run_dtk("validate", "submissions/good.jsonl", "submissions/bad.jsonl")
    assert expected.exit_code == 1
    assert expected.output.startswith("submissions/bad.jsonl:1:1: error[")
    assert expected.output in bad.stdout
