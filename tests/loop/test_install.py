"""The split install (issue 15): the base package validates with a small footprint and imports
nothing heavy; every other command needs the ``release`` extra and, without it, stops before it
starts with the exact pip command (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
HEAVY = ("pyarrow", "datasets", "numpy", "matplotlib", "pandas", "huggingface_hub", "rich")


def test_base_dependencies_are_the_light_core():
    names = [d.split(">")[0].split("[")[0] for d in PYPROJECT["project"]["dependencies"]]
    assert names == ["click", "jsonschema", "jsonschema-rs", "referencing", "orjson", "xxhash"]
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"release", "parquet", "html", "warc", "ray", "notebook"} <= set(extras)
    release = {d.split(">")[0] for d in extras["release"]}
    assert {"datasets", "matplotlib", "pyarrow", "rensa", "numpy", "lightgbm", "scipy"} <= release
    assert {"huggingface_hub", "rich"} <= release


def test_validate_works_without_any_heavy_package(tmp_path):
    """With pyarrow, datasets, numpy, ... made unimportable, dtk validate still checks a file
    and reads the committed release's ids (from its JSONL copies) for record.exists."""
    released = (ROOT / "dist" / "jsonl" / "test.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(released[0])
    del record["id"], record["provenance"]
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record) + "\n")
    code = (
        "import json, sys\n"
        f"for name in {HEAVY!r}:\n"
        "    sys.modules[name] = None  # import fails as if not installed\n"
        "from click.testing import CliRunner\n"
        "from toolkit.cli import main\n"
        f"r = CliRunner().invoke(main, ['validate', {str(path)!r}, '--format', 'json'])\n"
        "print(r.exit_code, [e['rule'] for e in json.loads(r.stdout)['errors']])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.stdout == "1 ['record.exists']\n", result.stderr


@pytest.mark.parametrize(
    "args", [["build"], ["check"], ["card"], ["diff", "a", "b"], ["report"], ["extract", "x"]]
)
def test_a_command_without_its_extra_gives_the_pip_command(args, run_dtk, monkeypatch):
    monkeypatch.setattr(
        "toolkit.extras.has_module", lambda name: name not in ("datasets", "matplotlib")
    )
    result = run_dtk(*args)
    assert result.exit_code == 2
    assert result.output == (
        f"error: dtk {args[0]} needs the 'release' extra (datasets, matplotlib not installed): "
        "pip install 'newsroom-dtk[release]'\n"
    )


def test_hook_installs_the_package_without_extras():
    import yaml

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "python"
    assert "additional_dependencies" not in hook


@pytest.mark.slow
def test_light_install_in_a_fresh_venv_validates(tmp_path):
    """pip install of the package alone (the pre-commit hook's environment): dtk validate works,
    dtk build asks for the release extra, and no heavy package came along."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    dtk = env_dir / "bin" / "dtk"
    good = tmp_path / "s.jsonl"
    good.write_text(
        json.dumps(
            {"title": "t", "body": "b", "publisher": "p", "language": "en", "kind": "article"}
        )
        + "\n"
    )
    ok = subprocess.run([str(dtk), "validate", str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    build = subprocess.run([str(dtk), "build"], capture_output=True, text=True, cwd=tmp_path)
    assert build.returncode == 2
    assert "pip install 'newsroom-dtk[release]'" in build.stderr
    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True
    )
    installed = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert not installed & {"pyarrow", "datasets", "numpy", "matplotlib", "pandas"}
