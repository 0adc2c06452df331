"""The Hub metadata gate (issue 15): ``dtk build`` refuses, before writing anything, metadata
the Hub would not accept, listing every problem; ``dtk card`` runs the same gate; ``license:
other`` needs and emits ``license_name`` and ``license_link``; the vocabularies come from what
``datasets`` ships, with a tested fallback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from toolkit.card import hub
from toolkit.card.hub import metadata_problems, vocabulary
from toolkit.config import DatasetConfig

ROOT = Path(__file__).resolve().parents[2]


def _project(tmp_path: Path, raw_copy: Path, tool_dtk: str) -> Path:
    """A project folder holding raw/ (the seed captures) and a pyproject with ``tool_dtk``."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.move(raw_copy, project / "raw")
    (project / "pyproject.toml").write_text(
        '[tool.dtk]\nname = "demo"\npretty_name = "Demo"\nversion = "1.0.0"\n' + tool_dtk,
        encoding="utf-8",
    )
    return project


def test_build_refuses_bad_metadata_before_writing_anything(
    tmp_path, raw_copy, run_dtk, monkeypatch
):
    project = _project(
        tmp_path,
        raw_copy,
        'license = "CC-BY-4.0"\ntask_categories = ["news-classification", "summarization"]\n',
    )
    monkeypatch.chdir(project)
    result = run_dtk("build", "--quiet")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: card metadata: license: 'CC-BY-4.0' is not a value the Hub accepts; did you "
        "mean 'cc-by-4.0'? (see toolkit/card/hub/licenses.txt)\n"
        "error: card metadata: task_categories: 'news-classification' is not a value the Hub "
        "accepts; did you mean 'text-classification'? (see toolkit/card/hub/task_categories.txt)\n"
        "error: nothing was written: fix these under [tool.dtk] or in card/prose.md\n"
    )
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml", "raw"]


def test_license_other_needs_a_name_and_a_link(tmp_path, raw_copy, run_dtk, monkeypatch):
    project = _project(tmp_path, raw_copy, 'license = "other"\n')
    (project / "card").mkdir()
    (project / "card" / "prose.md").write_text(
        "---\ntask_categories:\n- text-classification\n---\n# {{ pretty_name }}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    result = run_dtk("build", "--quiet")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: card metadata: license_name: required when license is 'other' (set "
        "license_name under [tool.dtk])\n"
        "error: card metadata: license_link: required when license is 'other' (set "
        "license_link under [tool.dtk])\n"
        "error: nothing was written: fix these under [tool.dtk] or in card/prose.md\n"
    )
    assert not (project / "dist").exists()


def test_license_name_and_link_from_tool_dtk_are_emitted(tmp_path, raw_copy, run_dtk, monkeypatch):
    project = _project(
        tmp_path,
        raw_copy,
        'license = "other"\nlicense_name = "newsroom-research-1.0"\n'
        'license_link = "https://example.org/licence"\n',
    )
    monkeypatch.chdir(project)
    result = run_dtk("build", "--quiet")
    assert result.exit_code == 0, result.output
    card = (project / "DATASET_CARD.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(card.split("---\n")[1])
    assert (meta["license"], meta["license_name"], meta["license_link"]) == (
        "other",
        "newsroom-research-1.0",
        "https://example.org/licence",
    )


def test_dtk_card_uses_the_same_gate_and_writes_nothing(tmp_path, raw_copy, run_dtk, monkeypatch):
    project = _project(tmp_path, raw_copy, 'license = "mit"\n')
    monkeypatch.chdir(project)
    assert run_dtk("build", "--quiet").exit_code == 0
    before = (project / "dist" / "README.md").read_bytes()
    # dtk card reads the config the release recorded.
    manifest = project / "dist" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["config"]["license"] = "MIT"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    result = run_dtk("card")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "error: card metadata: license: 'MIT' is not a value the Hub accepts; did you mean "
        "'mit'? (see toolkit/card/hub/licenses.txt)"
    )
    assert result.stdout == ""  # nothing reported as written
    assert (project / "dist" / "README.md").read_bytes() == before


def test_every_problem_is_listed():
    problems = metadata_problems(
        {
            "license": "Apache 2.0",
            "language": ["en", "english"],
            "size_categories": ["tiny"],
            "task_categories": ["vibes"],
        }
    )
    assert [p.split(":")[0] for p in problems] == [
        "license",
        "language",
        "size_categories",
        "task_categories",
    ]
    assert "did you mean 'apache-2.0'?" in problems[0]


def test_languages_and_sizes_come_from_what_datasets_ships():
    accepts, source = vocabulary("language")
    assert source == "datasets/utils/resources/languages.json"
    assert accepts("en")
    assert accepts("uk")
    assert not accepts("english")
    accepts, source = vocabulary("size_categories")
    assert source == "datasets/utils/resources/size_categories.json"
    assert accepts("n<1K")
    assert not accepts("small")
    assert not (ROOT / "toolkit" / "card" / "hub" / "languages.txt").exists()


def test_fallback_when_datasets_ships_no_list(monkeypatch):
    monkeypatch.setattr(hub, "_shipped_list", lambda name: None)
    vocabulary.cache_clear()
    try:
        accepts, source = vocabulary("language")
        assert source == "an ISO 639 code of 2 or 3 lowercase letters"
        assert accepts("en")
        assert accepts("ukr")
        assert not accepts("English")
        accepts, _ = vocabulary("size_categories")
        assert accepts("1K<n<10K")
        assert accepts("unknown")
        assert not accepts("1k")
    finally:
        vocabulary.cache_clear()


def test_size_category_bands():
    assert [hub.size_category(n) for n in (0, 999, 1000, 10**12)] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "n>1T",
    ]


@pytest.mark.parametrize("key", ["license_name", "license_link"])
def test_config_keys_are_in_the_schema_and_kept_out_of_manifests_unless_set(key):
    from toolkit.config import config_from_dict

    config = config_from_dict({"license": "other", key: "x"})
    assert getattr(config, key) == "x"
    assert key in config.to_dict()
    assert key not in DatasetConfig().to_dict()
