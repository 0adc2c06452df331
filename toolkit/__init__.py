"""Dataset packaging and validation toolkit for captures of news pages.

The public API lives here; the ``dtk`` command line (``toolkit.cli``) is a thin shell over it.
Heavier entry points are imported on first use, so ``import toolkit`` stays cheap.
"""

from __future__ import annotations

from toolkit._lazy import lazy_getattr
from toolkit._version import __version__
from toolkit.issues import Issue, ValidationReport

_LAZY = {
    "validate_paths": "toolkit.validate",
    "build_release": "toolkit.build.release",
    "check_release": "toolkit.release.check",
    "render_card": "toolkit.card.render",
    "update_card": "toolkit.card.render",
    "diff_releases": "toolkit.release.diff",
    "extract_file": "toolkit.extract",
    "evaluate_corpus": "toolkit.evaluate",
    "check_corpus": "toolkit.evaluate",
}

__all__ = ["Issue", "ValidationReport", "__version__", *_LAZY]

__getattr__ = lazy_getattr(__name__, _LAZY)
