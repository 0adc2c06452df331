"""Article rows in the Arrow schema with every awkward layout the statistics must survive: null
optional fields, empty and null lists, null structs and struct members, non-ASCII text, empty
strings, a missing kind and body lengths on every bin edge."""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa

from toolkit.features import arrow_schema
from toolkit.release.stats import LENGTH_BINS

_TEXT = "ab é€😀\u2028|`*"


def _maybe_text(rng: random.Random, limit: int = 24) -> str | None:
    if rng.random() < 0.3:
        return None
    return "".join(rng.choice(_TEXT) for _ in range(rng.randint(0, limit)))


def hostile_row(rng: random.Random, i: int) -> dict[str, Any]:
    """One article row; ``i`` keeps the id unique."""
    edges = [0, 1, *LENGTH_BINS, *(e - 1 for e in LENGTH_BINS), 20_000]
    row: dict[str, Any] = {
        f.name: _maybe_text(rng) for f in arrow_schema("article") if pa.types.is_string(f.type)
    }
    row["id"] = f"{i:016x}"
    row["body"] = "é" * rng.choice(edges)
    row["publisher"] = rng.choice(["Example Daily", "Пример", None, ""])
    row["kind"] = rng.choice(["article", "listing", None])
    row["authors"] = rng.choice([None, [], [None], [_maybe_text(rng), "Staff"]])
    if rng.random() < 0.3:
        row["provenance"] = None
    else:
        span = None if rng.random() < 0.3 else {"start_line": rng.randint(1, 9), "end_line": None}
        row["provenance"] = {"source_file": _maybe_text(rng), "span": span}
    return row


def hostile_table(rows: int, seed: int = 7) -> pa.Table:
    rng = random.Random(seed)
    return pa.Table.from_pylist(
        [hostile_row(rng, i) for i in range(rows)], schema=arrow_schema("article")
    )
