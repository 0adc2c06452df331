"""Split assignment: a record's split is a pure function of its content id, so adding raw files
never moves an existing record, and the same id lands in the same split in every build; then
every story takes one split (:func:`assign_stories`), whichever engine found its members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa


def split_of(record_id: str, ratios: Mapping[str, float]) -> str:
    """The split for ``record_id``: its first 8 hex digits as a point in [0, 1), against the
    cumulative ``ratios`` in the order given."""
    point = int(record_id[:8], 16) / 0x1_0000_0000
    total = 0.0
    names = list(ratios)
    for name in names:
        total += ratios[name]
        if point < total:
            return name
    return names[-1]


def assign_splits(ids: pa.Array, ratios: Mapping[str, float]) -> list[str]:
    """Split names for a column of ids."""
    return [split_of(i, ratios) for i in ids.to_pylist()]


def assign_stories(
    ids: np.ndarray[Any, Any],
    codes: np.ndarray[Any, Any],
    keep: np.ndarray[Any, Any],
    groups: list[list[int]],
    previous: dict[bytes, str],
    names: list[str],
) -> None:
    """Give each story one split, in place (issue 12, class 10).

    A record of the previous release keeps its split. The other members of a story take the
    split of its smallest released id if it has one, else the split of its smallest kept id;
    a record that tells its story alone keeps the split of its own id.
    """
    index = {name: c for c, name in enumerate(names)}
    was: dict[int, int] = {}
    if previous:
        for i, record_id in enumerate(ids.tolist()):
            code = index.get(previous.get(record_id, ""), -1)
            if code >= 0:
                was[i] = code
                codes[i] = code
    for group in groups:
        olds = [i for i in group if i in was]
        if olds:
            code = was[min(olds, key=lambda i: ids[i])]
        else:
            kept = [i for i in group if keep[i]] or group
            code = int(codes[min(kept, key=lambda i: (ids[i], i))])
        for i in group:
            if i not in was:
                codes[i] = code
