"""Parquet submissions, as pandas (``DataFrame.to_parquet``) or ``datasets``
(``Dataset.to_parquet``) export them, streamed one record batch at a time so memory stays flat.

Each row becomes a record checked against the same schema as a JSONL line; rows are numbered
from 1 the way lines are, so a report reads ``file.parquet:12:1``. Parquet cannot tell a missing
value from a null, so a null (or a float NaN, which pandas writes for a missing value) at the
top level is read as an absent field: a required one is then reported as missing. Dates and
timestamps become ISO 8601 strings, the form the schema asks for. pandas' index columns are
not fields and are skipped. Needs pyarrow (``pip install 'newsroom-dtk[parquet]'``).
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterator
from typing import Any

from toolkit.extras import require
from toolkit.issues import Issue
from toolkit.readers.base import Batch, ParsedRecord, Reader


def _index_columns(schema: Any) -> set[str]:
    """Names of the columns pandas wrote for its index (not submission fields)."""
    meta = (schema.metadata or {}).get(b"pandas")
    if not meta:
        return set()
    try:
        columns = json.loads(meta).get("index_columns", [])
    except ValueError:
        return set()
    return {c for c in columns if isinstance(c, str)}


def _plain(value: Any) -> Any:
    """A Parquet value as the JSON value it stands for."""
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class ParquetReader(Reader):
    """One record per row of a Parquet file."""

    def batches(self) -> Iterator[Batch]:
        pq = require("pyarrow.parquet", "parquet")
        try:
            parquet = pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ... for a bad file
            yield Batch(
                issues=[
                    Issue(
                        self.display,
                        1,
                        "",
                        "file.unreadable",
                        f"not a Parquet file pyarrow can read: {exc}",
                    )
                ]
            )
            return
        skip = _index_columns(parquet.schema_arrow)
        columns = [name for name in parquet.schema_arrow.names if name not in skip]
        row = 0
        for arrow_batch in parquet.iter_batches(batch_size=self.batch_size, columns=columns):
            batch = Batch()
            for values in arrow_batch.to_pylist():
                row += 1
                record = {k: _plain(v) for k, v in values.items() if not _absent(v)}
                batch.records.append(ParsedRecord(row, 0, record))
            batch.attempted = len(batch.records)
            yield batch
