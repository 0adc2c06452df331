"""Split assignment: a record's split is a pure function of its content id, so adding raw files
never moves an existing record, and the same id lands in the same split in every build."""

from __future__ import annotations

from collections.abc import Mapping

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
