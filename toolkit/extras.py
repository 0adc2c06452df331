"""Optional dependencies: which extra of ``newsroom-dtk`` brings which capability, and the one
error a command raises when its extra is missing. The base install only validates JSONL/JSON
(click, orjson, jsonschema, jsonschema-rs, referencing); everything heavier is an extra, imported
inside the code that needs it (STYLE 5), so ``dtk validate`` stays light.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from toolkit.errors import MissingExtraError

#: What each extra is for, in the words of the error message.
EXTRAS: dict[str, str] = {
    "parquet": "reading Parquet submissions",
    "release": "building, checking and documenting a release",
    "html": "extracting HTML captures",
    "warc": "extracting WARC captures",
    "ray": "the Ray engine",
}


def pip_command(extra: str) -> str:
    """The exact command that installs ``extra``."""
    return f"pip install 'newsroom-dtk[{extra}]'"


def require(module: str, extra: str, *, what: str | None = None) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtraError` naming the pip command.

    Args:
        what: the capability, for the message (default: the extra's entry in ``EXTRAS``).
    """
    try:
        return import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{what or EXTRAS[extra]} needs {module.split('.')[0]}, which is not installed: "
            f"{pip_command(extra)}"
        ) from exc


def has_module(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    try:
        return find_spec(module) is not None
    except (ImportError, ValueError):
        return False


#: The modules each extra brings, checked (without importing them) before a command starts.
EXTRA_MODULES: dict[str, tuple[str, ...]] = {
    "parquet": ("pyarrow",),
    "release": (
        "pyarrow",
        "datasets",
        "huggingface_hub",
        "numpy",
        "matplotlib",
        "rensa",
        "lightgbm",
        "scipy",
        "yaml",
    ),
    "html": ("trafilatura", "lxml_html_clean"),
    "warc": ("warcio", "trafilatura"),
    "ray": ("ray",),
    "notebook": ("pandas",),
}


def require_extra(extra: str, command: str) -> None:
    """Refuse to start ``command`` when a module of ``extra`` is missing, naming the pip command.

    Raises:
        MissingExtraError: some module of the extra is not installed.
    """
    missing = [name for name in EXTRA_MODULES[extra] if not has_module(name)]
    if missing:
        raise MissingExtraError(
            f"{command} needs the {extra!r} extra ({', '.join(missing)} not installed): "
            f"{pip_command(extra)}"
        )
