"""Publisher-grouped folds, dealt the same way by training and by evaluation: a model is only
ever scored on (or, for a second stage, fed the output of) a model that never saw the
publisher. Publishers are ordered by a hash of their name and dealt round-robin, so the same
corpus gives the same folds on every machine."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def _key(publisher: str) -> tuple[str, str]:
    return hashlib.sha256(publisher.encode("utf-8")).hexdigest(), publisher


def deal_publishers(publishers: Iterable[str], k: int) -> dict[str, int]:
    """Fold number (0..k-1) of every distinct publisher."""
    ordered = sorted(set(publishers), key=_key)
    return {publisher: i % k for i, publisher in enumerate(ordered)}
