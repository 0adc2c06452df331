"""Dataset packaging and validation toolkit for captures of news pages.

The public API lives here; the ``dtk`` command line (``toolkit.cli``) is a thin shell over it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from toolkit.issues import Issue, ValidationReport  # noqa: E402
from toolkit.validate import validate_paths  # noqa: E402

__all__ = ["Issue", "ValidationReport", "__version__", "validate_paths"]
