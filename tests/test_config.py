from __future__ import annotations

import pytest

from toolkit.config import load_config
from toolkit.errors import UsageError


def test_reads_tool_dtk_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dtk]\nname = "x"\nversion = "2.1.0"\nsplit_ratios = { train = 0.5, test = 0.5 }\n'
    )
    config = load_config(tmp_path)
    assert config.version == "2.1.0"
    assert config.split_ratios == {"train": 0.5, "test": 0.5}


def test_dataset_toml_wins_over_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.dtk]\nname = "a"\n')
    (tmp_path / "dataset.toml").write_text('name = "b"\n')
    assert load_config(tmp_path).name == "b"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("split_ratios = { train = 0.5, test = 0.4 }\n", "must sum to 1"),
        ("dedup_threshold = 2\n", "dedup_threshold"),
        ('version = "one"\n', "version"),
        ('nmae = "typo"\n', "nmae"),
    ],
)
def test_bad_config_is_a_usage_error_naming_the_field(tmp_path, toml, message):
    (tmp_path / "dataset.toml").write_text(toml)
    with pytest.raises(UsageError, match=message):
        load_config(tmp_path)
