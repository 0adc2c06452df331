"""The dataset config: name, version, license, split ratios, dedup threshold. Read from
``dataset.toml`` when present, else ``[tool.dtk]`` in ``pyproject.toml``, validated against
``schema/config.schema.json`` so a typo fails with a clear message instead of a wrong release.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import UsageError
from toolkit.schema import default_schemas, fast_validator

DEFAULT_SPLITS = {"train": 0.8, "validation": 0.1, "test": 0.1}


@dataclass(frozen=True)
class DatasetConfig:
    """How a release is built and described."""

    name: str = "dataset"
    pretty_name: str = "Dataset"
    version: str = "0.1.0"
    license: str = "other"
    split_ratios: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SPLITS))
    dedup_threshold: float = 0.7
    tags: list[str] = field(default_factory=list)
    task_categories: list[str] = field(default_factory=list)
    description: str = ""
    #: With ``license = "other"`` the Hub asks for the license's name and a link to its text.
    license_name: str | None = None
    license_link: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The config as ``manifest.json`` records it; the license name and link only when set,
        so a release that does not use them keeps its bytes."""
        optional = {
            k: v
            for k, v in (("license_name", self.license_name), ("license_link", self.license_link))
            if v is not None
        }
        return {
            "name": self.name,
            "pretty_name": self.pretty_name,
            "version": self.version,
            "license": self.license,
            "split_ratios": self.split_ratios,
            "dedup_threshold": self.dedup_threshold,
            "tags": self.tags,
            "task_categories": self.task_categories,
            "description": self.description,
            **optional,
        }


def config_from_dict(values: dict[str, Any], *, origin: str = "config") -> DatasetConfig:
    """Validate ``values`` and make a config; errors name the file and the field."""
    schemas = default_schemas()
    validator = fast_validator(schemas.resolve_name("config"), schemas)
    errors = sorted(
        validator.iter_errors(values), key=lambda e: (list(map(str, e.instance_path)), e.message)
    )
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.instance_path) or "(top level)"
        raise UsageError(f"{origin}: {where}: {first.message}")
    ratios = values.get("split_ratios", DEFAULT_SPLITS)
    if not math.isclose(sum(ratios.values()), 1.0, abs_tol=1e-9):
        raise UsageError(f"{origin}: split_ratios must sum to 1, not {sum(ratios.values()):g}")
    return DatasetConfig(**{k: v for k, v in values.items()})


def load_config(root: Path, config_path: Path | None = None) -> DatasetConfig:
    """The config for a project rooted at ``root``: ``config_path``, ``root/dataset.toml`` or
    ``[tool.dtk]`` of ``root/pyproject.toml``, in that order; defaults when none exists."""
    candidates = [config_path] if config_path else [root / "dataset.toml", root / "pyproject.toml"]
    for path in candidates:
        if path is None or not path.is_file():
            if config_path is not None:
                raise UsageError(f"config file {config_path} does not exist")
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError(f"{path}: cannot read config: {exc}") from exc
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("dtk")
            if data is None:
                continue
        return config_from_dict(data, origin=str(path))
    return DatasetConfig()
