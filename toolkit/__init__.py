"""Dataset packaging and validation toolkit for captures of news pages.

The public API lives here; the ``dtk`` command line (``toolkit.cli``) is a thin shell over it.
Heavier entry points are imported on first use, so ``import toolkit`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

from toolkit.issues import Issue, ValidationReport  # noqa: E402
from toolkit.validate import validate_paths  # noqa: E402

_LAZY = {
    "build_release": "toolkit.release",
    "check_release": "toolkit.check",
    "render_card": "toolkit.card",
    "update_card": "toolkit.card",
    "diff_releases": "toolkit.diff",
    "extract_file": "toolkit.extract",
}

__all__ = ["Issue", "ValidationReport", "__version__", "validate_paths", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
