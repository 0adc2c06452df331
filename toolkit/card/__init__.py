"""The dataset card of a release: ``render`` fills the maintainers' template with Markdown
sections computed from the release (escaped with :mod:`toolkit.escape`) and writes ``README.md``,
the chart and ``croissant.json`` (``croissant``); ``hub`` holds the Hub's accepted metadata
values. Exports are imported on first use, so ``import toolkit.card`` imports no plotting.
"""

from __future__ import annotations

from toolkit._lazy import lazy_getattr

_LAZY = {
    "render_card": "toolkit.card.render",
    "update_card": "toolkit.card.render",
    "write_card": "toolkit.card.render",
    "validate_card_metadata": "toolkit.card.render",
    "croissant_document": "toolkit.card.croissant",
}

__all__ = sorted(_LAZY)

__getattr__ = lazy_getattr(__name__, _LAZY)
