"""The release lifecycle, on a folder ``dtk build`` made: its typed model (``folder``:
:class:`ReleaseManifest`, the only reader and writer of ``manifest.json``), its verification
(``check``), its statistics (``stats``), what changed between two of them (``diff``, rendered by
``changes``) and the version bump a change needs (``versioning``). Exports are imported on first
use, so ``import toolkit.release`` stays cheap.
"""

from __future__ import annotations

from toolkit._lazy import lazy_getattr

_LAZY = {
    "ReleaseManifest": "toolkit.release.folder",
    "check_release": "toolkit.release.check",
    "release_stats": "toolkit.release.stats",
    "diff_releases": "toolkit.release.diff",
    "DIFF_RENDERERS": "toolkit.release.changes",
    "check_version_bump": "toolkit.release.versioning",
}

__all__ = sorted(_LAZY)

__getattr__ = lazy_getattr(__name__, _LAZY)
